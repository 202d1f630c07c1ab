import { describe, expect, it } from 'vitest';
import { canonicalIp, compileTrustedProxies, isLoopbackIp, resolveClientAddress, sourceKey } from '../../../plugins/gateway/client-address.ts';

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
    ['::ffff:127.9.0.1', '127.9.0.1'],
    ['2001:db8:0:0:0:0:0:1', '2001:db8::1'],
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
  const trusted = compileTrustedProxies(['10.0.0.2']);

  it('AU-05: X-Forwarded-For from an untrusted peer is ignored and the request is not local', () => {
    expect(resolveClientAddress('::ffff:127.0.0.1', { 'x-forwarded-for': '203.0.113.9' }, trusted)).toEqual({
      ip: '127.0.0.1', peer: '127.0.0.1', viaTrustedProxy: false, local: false, source: 'loopback-forwarded',
    });
  });

  it('a plain loopback socket is local', () => {
    expect(resolveClientAddress('127.0.0.1', {}, trusted).local).toBe(true);
  });

  it('a trusted proxy: the right-most untrusted hop is the client', () => {
    const client = resolveClientAddress('10.0.0.2', { 'x-forwarded-for': '198.51.100.7, ::ffff:203.0.113.9, 10.0.0.2' }, trusted);
    expect(client).toEqual({ ip: '203.0.113.9', peer: '10.0.0.2', viaTrustedProxy: true, local: false, source: 'ip4:203.0.113.9' });
  });

  it('X-Real-IP is never used', () => {
    expect(resolveClientAddress('10.0.0.2', { 'x-real-ip': '203.0.113.9' }, trusted).ip).toBe('10.0.0.2');
  });
});

describe('sourceKey (the limiter\'s notion of one client)', () => {
  it.each([
    ['127.0.0.1', true, 'loopback'],
    ['127.44.3.2', true, 'loopback'],
    ['::1', true, 'loopback'],
    ['127.0.0.1', false, 'loopback-forwarded'],
    ['::1', false, 'loopback-forwarded'],
    ['203.0.113.9', false, 'ip4:203.0.113.9'],
    ['::ffff:203.0.113.9', false, 'ip4:203.0.113.9'],
    ['2001:db8:7:9:abcd:1:2:3', false, 'ip6:2001:db8:7:9::/64'],
    ['2001:DB8:7:9::ffff', false, 'ip6:2001:db8:7:9::/64'],
    ['2001:db8:7:a::1', false, 'ip6:2001:db8:7:a::/64'],
    ['fe80::1%eth0', false, 'ip6:fe80::/64'],
    ['garbage', false, 'unknown'],
  ])('IN-19 #4: %s (local %s) → %s', (ip, local, expected) => {
    expect(sourceKey(canonicalIp(ip), local)).toBe(expected);
  });

  it('IN-19 #4: the IPv6 prefix is configurable', () => {
    expect([sourceKey('2001:db8:7:9::1', false, 48), sourceKey('2001:db8:7:9::1', false, 128), sourceKey('2001:db8:7:9::1', false, 56)]).toEqual([
      'ip6:2001:db8:7::/48', 'ip6:2001:db8:7:9::1', 'ip6:2001:db8:7::/56',
    ]);
  });

  it('IN-19 #4: resolveClientAddress gives the source of the forwarded client', () => {
    const proxies = compileTrustedProxies(['10.0.0.0/8', '::1']);
    expect(resolveClientAddress('10.9.8.7', { 'x-forwarded-for': '2001:db8:1:2::5' }, proxies).source).toBe('ip6:2001:db8:1:2::/64');
    expect(resolveClientAddress('::1', { 'x-forwarded-for': '2001:db8:1:2::5, 10.1.1.1' }, proxies, 32).source).toBe('ip6:2001:db8::/32');
    expect(resolveClientAddress('::1', {}, proxies)).toMatchObject({ local: true, source: 'loopback' });
  });
});
