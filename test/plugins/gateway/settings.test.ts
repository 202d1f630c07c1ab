import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, DEFAULT_PORT, resolveSettings } from '../../../plugins/gateway/settings.ts';
import { startGateway } from './helpers.ts';

const options = { ...DEFAULT_OPTIONS, trustedProxies: ['::ffff:10.0.0.2'] };

describe('gateway settings', () => {
  it('DESIGN §1 defaults when the config says nothing', () => {
    const settings = resolveSettings({}, options, {});
    expect(settings).toMatchObject({
      port: DEFAULT_PORT, bind: 'loopback', authMode: 'password', allowedOrigins: [], ssl: { enabled: false },
      maxConnections: 100, connectionTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxPayload: 26_214_400,
    });
    expect([settings.trustedProxies.has('10.0.0.2'), settings.trustedProxies.has('::ffff:10.0.0.2'), settings.trustedProxies.has('10.0.0.3')]).toEqual([true, true, false]);
    expect(settings).toMatchObject({ maxPendingHandshakes: 48, maxPendingHandshakesPerIp: 24, ipv6SourcePrefix: 64 });
  });

  it('command-line overrides beat the config (which already holds the env override)', () => {
    const config = { gateway: { port: 20_000, bind: 'lan', auth: { mode: 'token' }, connectionTimeout: 500 } };
    expect(resolveSettings(config, options, {})).toMatchObject({ port: 20_000, bind: 'lan', authMode: 'token', connectionTimeoutMs: 500 });
    expect(resolveSettings(config, options, { port: 0, bind: 'loopback' })).toMatchObject({ port: 0, bind: 'loopback' });
  });

  it('custom bind needs an IP address in gateway.customBindHost', () => {
    expect(() => resolveSettings({ gateway: { bind: 'custom', customBindHost: 'my-host.lan' } }, options, {})).toThrowErrorMatchingInlineSnapshot(
      `[MoltbotError: gateway.bind is "custom" but gateway.customBindHost is not an IP address]`,
    );
    expect(resolveSettings({ gateway: { bind: 'custom', customBindHost: '192.168.1.20' } }, options, {}).customBindHost).toBe('192.168.1.20');
  });

  it('IN-19 #4: trustedProxies take CIDR ranges (IPv4, IPv6, IPv4-mapped); a bad entry is a config error naming its index', () => {
    const settings = resolveSettings({}, { ...DEFAULT_OPTIONS, trustedProxies: ['10.0.0.0/8', 'fd00::/8', '::ffff:192.168.0.0/112', '::1'] }, {});
    const trusted = ['10.1.2.3', '::ffff:10.200.0.1', 'fd12:3456::1', '192.168.4.5', '::1'].map((ip) => settings.trustedProxies.has(ip));
    const untrusted = ['11.0.0.1', 'fe80::1', '192.169.0.1', '127.0.0.1', 'not-an-ip'].map((ip) => settings.trustedProxies.has(ip));
    expect(trusted).toEqual([true, true, true, true, true]);
    expect(untrusted).toEqual([false, false, false, false, false]);
    for (const bad of ['10.0.0.0/33', 'fd00::/129', '10.0.0', 'proxy.lan', '10.0.0.1/']) {
      let error: unknown;
      try {
        resolveSettings({}, { ...DEFAULT_OPTIONS, trustedProxies: ['127.0.0.1', bad] }, {});
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({ code: 'MOLT_ERR_PLUGIN_OPTIONS_INVALID', message: `gateway option trustedProxies[1] is not an IP address or CIDR range (got ${JSON.stringify(bad)})` });
      expect((error as { path?: string }).path).toContain('trustedProxies[1]');
    }
  });

  it('IN-19 #4: a gateway with a bad trustedProxies entry does not load; the error names the entry and the fix', async () => {
    await expect(startGateway({ options: { trustedProxies: ['127.0.0.1', '10.0.0.0/33'] } })).rejects.toMatchObject({
      code: 'MOLT_ERR_PLUGIN_OPTIONS_INVALID',
      message: 'gateway option trustedProxies[1] is not an IP address or CIDR range (got "10.0.0.0/33")',
      fix: expect.stringContaining('CIDR range ("10.0.0.0/8"'),
    });
    await expect(startGateway({ options: { trustedProxies: ['proxy.lan'] } })).rejects.toMatchObject({ code: 'MOLT_ERR_PLUGIN_OPTIONS_INVALID' });
  });
});
