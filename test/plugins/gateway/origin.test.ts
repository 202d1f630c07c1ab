import { describe, expect, it } from 'vitest';
import type { ClientAddress } from '../../../plugins/gateway/client-address.ts';
import { checkOrigin, createOriginPolicy, normalizeOrigin } from '../../../plugins/gateway/origin.ts';

const local: ClientAddress = { ip: '127.0.0.1', peer: '127.0.0.1', viaTrustedProxy: false, local: true, source: 'loopback' };
const remote: ClientAddress = { ip: '192.168.1.9', peer: '192.168.1.9', viaTrustedProxy: false, local: false, source: 'ip4:192.168.1.9' };
const proxied: ClientAddress = { ip: '203.0.113.9', peer: '10.0.0.2', viaTrustedProxy: true, local: false, source: 'ip4:203.0.113.9' };

const policy = createOriginPolicy({
  allowedOrigins: [' HTTPS://UI.Example.com:443 ', 'http://tools.example:8080'],
  scheme: 'http',
  port: 18789,
  hosts: ['192.168.1.20'],
});

describe('normalizeOrigin', () => {
  it.each([
    ['https://ui.example.com', 'https://ui.example.com'],
    ['HTTPS://UI.EXAMPLE.COM:443', 'https://ui.example.com'],
    ['http://a.example:80', 'http://a.example'],
    ['http://a.example:8443', 'http://a.example:8443'],
    ['http://[::1]:18789', 'http://[::1]:18789'],
    ['null', undefined],
    ['', undefined],
    ['file:///etc/passwd', undefined],
    ['chrome-extension://abc', undefined],
    ['http://a.example/path', undefined],
    ['http://user:pw@a.example', undefined],
    ['not a url', undefined],
  ])('OR-07: %j → %j', (input, expected) => {
    expect(normalizeOrigin(input)).toBe(expected);
  });
});

describe('checkOrigin', () => {
  it.each([
    ['no Origin (not a browser)', {}, local, { ok: true }],
    ['OR-01: foreign origin', { origin: 'https://evil.example' }, local, { ok: false, reason: 'origin not allowed' }],
    ['OR-02: null origin', { origin: 'null' }, local, { ok: false, reason: 'origin missing or invalid' }],
    ['OR-02: malformed origin', { origin: 'http://' }, local, { ok: false, reason: 'origin missing or invalid' }],
    ['OR-07: allow-listed, normalised', { origin: 'https://ui.example.com' }, remote, { ok: true, origin: 'https://ui.example.com' }],
    ['OR-03: own loopback origin from a local client', { origin: 'http://localhost:18789' }, local, { ok: true, origin: 'http://localhost:18789' }],
    ['OR-03: own loopback origin from a remote client', { origin: 'http://localhost:18789' }, remote, { ok: false, reason: 'origin not allowed' }],
    ['OR-03: loopback origin on another port (a dev server)', { origin: 'http://localhost:5173' }, local, { ok: false, reason: 'origin not allowed' }],
    ['own LAN origin', { origin: 'http://192.168.1.20:18789' }, remote, { ok: true, origin: 'http://192.168.1.20:18789' }],
    ['OR-04: DNS rebinding (Host is never trusted)', { origin: 'http://attacker.test:18789', host: 'attacker.test:18789' }, local, { ok: false, reason: 'origin not allowed' }],
    ['OR-05: X-Forwarded-Host from an untrusted peer', { 'x-forwarded-host': 'ui.example.com' }, local, { ok: false, reason: 'forwarded host from an untrusted peer' }],
    ['OR-06: http origin while the trusted proxy says https', { origin: 'http://tools.example:8080', 'x-forwarded-proto': 'https' }, proxied, { ok: false, reason: 'origin scheme does not match the forwarded protocol' }],
    ['trusted proxy, matching scheme', { origin: 'https://ui.example.com', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'ui.example.com' }, proxied, { ok: true, origin: 'https://ui.example.com' }],
    ['sec-websocket-origin (protocol 8) is checked too', { 'sec-websocket-origin': 'https://evil.example' }, local, { ok: false, reason: 'origin not allowed' }],
  ])('%s', (_name, headers, client, expected) => {
    expect(checkOrigin(headers, client, policy)).toEqual(expected);
  });

  it('OR-07: "*" accepts any well-formed origin but still refuses null', () => {
    const any = createOriginPolicy({ allowedOrigins: ['*'], scheme: 'https', port: 443, hosts: [] });
    expect(checkOrigin({ origin: 'https://whatever.example' }, remote, any)).toEqual({ ok: true, origin: 'https://whatever.example' });
    expect(checkOrigin({ origin: 'null' }, remote, any).ok).toBe(false);
  });

  it('own origins drop the default port of the scheme', () => {
    const tls = createOriginPolicy({ allowedOrigins: [], scheme: 'https', port: 443, hosts: ['10.1.1.1'] });
    expect([...tls.own]).toEqual(['https://10.1.1.1']);
    expect([...tls.ownLoopback]).toEqual(['https://localhost', 'https://127.0.0.1', 'https://[::1]']);
  });
});
