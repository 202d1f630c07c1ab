import { describe, expect, it } from 'vitest';
import { canonicalIp, isLoopbackIp, resolveClientAddress } from '../../../plugins/gateway/client-address.ts';

describe('canonicalIp', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:1.2.3.4', '1.2.3.4'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['0:0:0:0:0:ffff:0102:0304', '1.2.3.4'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['[::1]', '::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['', 'unknown'],
    [undefined, 'unknown'],
  ])('AU-05: %s → %s', (input, expected) => {
    expect(canonicalIp(input)).toBe(expected);
  });

  it('knows loopback', () => {
    expect([isLoopbackIp('127.0.0.1'), isLoopbackIp('127.8.9.1'), isLoopbackIp('::1'), isLoopbackIp('10.0.0.1'), isLoopbackIp('unknown')]).toEqual([true, true, true, false, false]);
  });
});

describe('resolveClientAddress', () => {
  const trusted = new Set(['10.0.0.2']);

  it('AU-05: X-Forwarded-For from an untrusted peer is ignored and the request is not local', () => {
    expect(resolveClientAddress('::ffff:127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }, trusted)).toEqual({
      ip: '127.0.0.1', peer: '127.0.0.1', viaTrustedProxy: false, local: false,
    });
  });

  it('a plain loopback socket is local', () => {
    expect(resolveClientAddress('127.0.0.1', {}, trusted).local).toBe(true);
  });

  it('a trusted proxy: the right-most untrusted hop is the client', () => {
    const client = resolveClientAddress('10.0.0.2', { 'x-forwarded-for': '198.51.100.7, ::ffff:203.0.113.9, 10.0.0.2' }, trusted);
    expect(client).toEqual({ ip: '203.0.113.9', peer: '10.0.0.2', viaTrustedProxy: true, local: false });
  });

  it('X-Real-IP is never used', () => {
    expect(resolveClientAddress('10.0.0.2', { 'x-real-ip': '203.0.113.9' }, trusted).ip).toBe('10.0.0.2');
  });
});
