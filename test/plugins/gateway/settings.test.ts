import { describe, expect, it } from 'vitest';
import { canonicalIp } from '../../../plugins/gateway/client-address.ts';
import { DEFAULT_OPTIONS, DEFAULT_PORT, resolveSettings } from '../../../plugins/gateway/settings.ts';

const options = { ...DEFAULT_OPTIONS, trustedProxies: ['::ffff:10.0.0.2'] };

describe('gateway settings', () => {
  it('DESIGN §1 defaults when the config says nothing', () => {
    const settings = resolveSettings({}, options, {}, canonicalIp);
    expect(settings).toMatchObject({
      port: DEFAULT_PORT, bind: 'loopback', authMode: 'password', allowedOrigins: [], ssl: { enabled: false },
      maxConnections: 100, connectionTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxPayload: 26_214_400,
    });
    expect([...settings.trustedProxies]).toEqual(['10.0.0.2']);
  });

  it('command-line overrides beat the config (which already holds the env override)', () => {
    const config = { gateway: { port: 20_000, bind: 'lan', auth: { mode: 'token' }, connectionTimeout: 500 } };
    expect(resolveSettings(config, options, {}, canonicalIp)).toMatchObject({ port: 20_000, bind: 'lan', authMode: 'token', connectionTimeoutMs: 500 });
    expect(resolveSettings(config, options, { port: 0, bind: 'loopback' }, canonicalIp)).toMatchObject({ port: 0, bind: 'loopback' });
  });

  it('custom bind needs an IP address in gateway.customBindHost', () => {
    expect(() => resolveSettings({ gateway: { bind: 'custom', customBindHost: 'my-host.lan' } }, options, {}, canonicalIp)).toThrowErrorMatchingInlineSnapshot(
      `[MoltbotError: gateway.bind is "custom" but gateway.customBindHost is not an IP address]`,
    );
    expect(resolveSettings({ gateway: { bind: 'custom', customBindHost: '192.168.1.20' } }, options, {}, canonicalIp).customBindHost).toBe('192.168.1.20');
  });
});
