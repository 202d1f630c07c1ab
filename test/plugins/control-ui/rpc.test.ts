import { describe, expect, it } from 'vitest';
import { alertsServiceRef } from '../../../sdk/alerts/index.ts';
import { definePlugin } from '../../../sdk/core/index.ts';
import { connectClient, openClient, PASSWORD, startGateway } from '../gateway/helpers.ts';
import { waitFor } from '../agent/harness.ts';

const API_KEY = 'sk-test-provider-key-1234567890';

async function start() {
  const harness = await startGateway({
    extra: ['metrics', 'alerts', 'backup', 'control-ui'],
    config: {
      providers: {
        fake: { api: 'openai', baseURL: 'http://127.0.0.1:9/v1', apiKey: API_KEY },
        // The same key again where no schema marks it, and a URL carrying a password.
        other: { api: 'openai', baseURL: `http://127.0.0.1:9/v1?key=${API_KEY}` },
        third: { api: 'openai', baseURL: 'http://admin:url-password-98765@127.0.0.1:9/v1' },
      },
    },
  });
  return { ...harness, client: await connectClient(harness.url) };
}

async function readOnly(url: string) {
  const client = openClient(url);
  const hello = await client.connect({ password: PASSWORD }, { scopes: ['read'] });
  expect(hello.payload.scopes).toEqual(['read']);
  return client;
}

/** What the config page shows and edits: config.get's config. */
async function shownConfig(client: Awaited<ReturnType<typeof connectClient>>): Promise<Record<string, unknown>> {
  const res = await client.request('config.get', {});
  expect(res.ok).toBe(true);
  return res.payload.config as Record<string, unknown>;
}

describe('dashboard RPC', () => {
  it('config.get answers the effective config with every secret masked (admin only)', async () => {
    const { client, url } = await start();
    const res = await client.request('config.get', {});
    expect(res.ok).toBe(true);
    const text = JSON.stringify(res.payload);
    expect(res.payload.config.gateway.auth.password).toBe('[REDACTED]');
    expect(res.payload.config.providers.fake.apiKey).toBe('[REDACTED]');
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain('url-password-98765');
    expect(res.payload.config.providers.other.baseURL).toMatch(/^http:\/\/127\.0\.0\.1:9\/v1\?key=/);
    expect(res.payload.config.plugins).toContain('control-ui');
    const reader = await readOnly(url);
    expect((await reader.request('config.get', {})).error).toMatchObject({ code: 'FORBIDDEN', details: { requiredScope: 'admin' } });
  });

  it('config.validate checks an edited config without applying it and names each problem by path', async () => {
    const { client } = await start();
    const shown = await shownConfig(client);
    expect((await client.request('config.validate', { config: shown })).payload).toEqual({ ok: true, issues: [] });
    const bad = await client.request('config.validate', { config: { ...shown, gateway: { port: 'abc', bindd: 'lan', auth: { mode: 'password', password: 'hunter2-secret-value' } } } });
    expect(bad.payload.ok).toBe(false);
    const paths = bad.payload.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toContain('gateway.port');
    expect(JSON.stringify(bad.payload.issues)).toContain('bindd');
    expect(JSON.stringify(bad.payload)).not.toContain('hunter2-secret-value');
    // Nothing was applied: the effective config is unchanged.
    expect((await client.request('config.get', {})).payload.config.gateway.port).not.toBe('abc');
    expect((await client.request('config.validate', { config: 'nope' })).error?.code).toBe('INVALID_REQUEST');
  });

  it('config.validate takes a section a loaded plugin owns as known, and checks it against that plugin\'s section schema', async () => {
    const acme = definePlugin({
      name: 'acme', version: '1.0.0', sections: ['acme'],
      sectionSchemas: { acme: { type: 'object', additionalProperties: false, properties: { port: { type: 'integer' } } } },
      setup() {},
    });
    const harness = await startGateway({ extra: ['control-ui', acme], config: { acme: { port: 1 } } });
    const client = await connectClient(harness.url);
    const shown = await shownConfig(client);
    expect((await client.request('config.validate', { config: { ...shown, acme: { port: 2 } } })).payload).toEqual({ ok: true, issues: [] });
    const bad = await client.request('config.validate', { config: { ...shown, acme: { port: 'two' }, acmee: {} } });
    expect(bad.payload.ok).toBe(false);
    expect(bad.payload.issues.map((issue: { path: string }) => issue.path)).toEqual(expect.arrayContaining(['acme.port', 'acmee']));
    expect(bad.payload.issues.find((issue: { path: string }) => issue.path === 'acme.port').message).toContain('(section of plugin "acme")');
    // Without the plugin that owns it, the section is what the load refuses.
    const withoutAcme = { ...shown, plugins: (shown.plugins as unknown[]).filter((entry) => entry !== '<plugin object acme>') };
    const orphan = await client.request('config.validate', { config: { ...withoutAcme, acme: { port: 2 } } });
    expect(orphan.payload.ok).toBe(false);
    expect(orphan.payload.issues[0].message).toMatch(/acme is not a known key/);
  });

  it('config.validate checks the options of a `plugins` entry against its schema, its defaults merged under them, and resolves every entry as the load would', async () => {
    const { client } = await start();
    const shown = await shownConfig(client);
    const withBackup = (options: object) => ({ ...shown, plugins: (shown.plugins as unknown[]).map((entry) => (entry === 'backup' ? ['backup', options] : entry)) });
    expect((await client.request('config.validate', { config: withBackup({ limits: { maxBytes: 2048 } }) })).payload).toEqual({ ok: true, issues: [] });
    const bad = await client.request('config.validate', { config: withBackup({ limits: { maxBytes: 'big' }, bogus: true }) });
    expect(bad.payload.ok).toBe(false);
    const at = (shown.plugins as unknown[]).indexOf('backup');
    expect(bad.payload.issues.map((issue: { path: string }) => issue.path)).toEqual(expect.arrayContaining([`plugins[${at}].options.limits.maxBytes`]));
    expect(JSON.stringify(bad.payload.issues)).toContain('bogus');
    // A plugin file the gateway does not load is named, never imported.
    const file = await client.request('config.validate', { config: { ...shown, plugins: [...(shown.plugins as unknown[]), './dropped-by-a-tool.mjs'] } });
    expect(file.payload).toMatchObject({ ok: false, issues: [{ path: `plugins[${(shown.plugins as unknown[]).length}]`, message: expect.stringContaining('not loaded by the running kernel') }] });
    // A plugin that is not installed fails the load: so it fails here, naming the entry.
    const missing = await client.request('config.validate', { config: { ...shown, plugins: [...(shown.plugins as unknown[]), ['not-loaded-here', { anything: 1 }]] } });
    expect(missing.payload.ok).toBe(false);
    expect(missing.payload.issues[0]).toMatchObject({ path: `plugins[${(shown.plugins as unknown[]).length}]`, message: expect.stringContaining('"not-loaded-here"') });
  });

  it('config.validate runs every plugin\'s own check, on the secrets and inline plugins of the running config, and echoes no secret', async () => {
    const REAL = 'vault-token-0123456789abcdef';
    // A credential check as a channel's or a provider's would be: the value's shape matters.
    const vault = definePlugin<{ token?: string; even?: number }>({
      name: 'vault', version: '1.0.0',
      schema: { type: 'object', additionalProperties: false, properties: { token: { type: 'string', secret: true }, even: { type: 'integer' } } },
      check(_input, options) {
        if (options.token !== undefined && !options.token.startsWith('vault-token-')) throw new Error(`vault: token ${options.token} is not a vault token`);
        if (options.even !== undefined && options.even % 2 !== 0) throw new Error('vault: even must be even');
      },
      setup() {},
    });
    const harness = await startGateway({ extra: ['control-ui', [vault, { token: REAL, even: 2 }]] });
    const client = await connectClient(harness.url);
    const shown = await shownConfig(client);
    const at = (shown.plugins as unknown[]).findIndex((entry) => Array.isArray(entry) && entry[0] === '<plugin object vault>');
    expect((shown.plugins as unknown[][])[at]![1]).toEqual({ token: '[REDACTED]', even: 2 });
    // As shown: the masked token and the inline plugin are the running ones again.
    expect((await client.request('config.validate', { config: shown })).payload).toEqual({ ok: true, issues: [] });
    const edit = (options: object) => ({ ...shown, plugins: (shown.plugins as unknown[]).map((entry, index) => (index === at ? ['<plugin object vault>', options] : entry)) });
    const odd = await client.request('config.validate', { config: edit({ token: '[REDACTED]', even: 3 }) });
    expect(odd.payload).toMatchObject({ ok: false, issues: [{ path: `plugins[${at}].options`, message: expect.stringContaining('even must be even') }] });
    // A new value is checked as written; the running one never comes back, even from a check that prints it.
    const wrong = await client.request('config.validate', { config: edit({ token: 'not-a-token-but-secret-9876543210', even: 2 }) });
    expect(wrong.payload.ok).toBe(false);
    expect(JSON.stringify(wrong.payload)).not.toContain('not-a-token-but-secret-9876543210');
    expect(JSON.stringify([odd.payload, wrong.payload])).not.toContain(REAL);
    // The gateway's own check (a non-loopback bind needs auth) passes on the password the view masks.
    const lan = await client.request('config.validate', { config: { ...shown, gateway: { ...(shown.gateway as object), bind: 'lan' } } });
    expect(lan.payload).toEqual({ ok: true, issues: [] });
    const open = await client.request('config.validate', { config: { ...shown, gateway: { ...(shown.gateway as object), bind: 'lan', auth: { mode: 'none' } } } });
    expect(open.payload.ok).toBe(false);
    expect(open.payload.issues[0].path).toMatch(/^gateway/);
  });

  it('config.validate leaves nothing running behind its throwaway kernel', async () => {
    // A plugin that holds a timer from setup until close: the throwaway kernel must close it.
    const holder = definePlugin({
      name: 'holder', version: '1.0.0',
      setup(ctx) {
        const timer = setInterval(() => undefined, 60_000);
        ctx.onClose(() => clearInterval(timer));
      },
    });
    const harness = await startGateway({ extra: ['control-ui', holder] });
    const client = await connectClient(harness.url);
    const shown = await shownConfig(client);
    await client.request('config.validate', { config: shown });
    // Timers, sockets, servers, file requests: what keeps a process busy.
    const handles = () => process.getActiveResourcesInfo().length;
    const before = handles();
    for (let i = 0; i < 20; i++) expect((await client.request('config.validate', { config: shown })).payload.ok).toBe(true);
    // A handle left per validation would be 20 more; a timer of the gateway's own may come and go.
    expect(handles()).toBeLessThan(before + 5);
  });

  it('metrics.subscribe answers a snapshot, then pushes metrics.tick events to that connection until unsubscribed', async () => {
    const { client, url } = await start();
    const other = await connectClient(url);
    const res = await client.request('metrics.subscribe', { intervalMs: 500 });
    expect(res.payload).toMatchObject({ subscribed: true, intervalMs: 500, snapshot: { gateway: { activeConnections: 2 } } });
    const tick = await waitFor(client, (frame) => frame.event === 'metrics.tick', 5_000);
    expect(tick.payload.gateway.requestsTotal).toBeGreaterThanOrEqual(1);
    expect(tick.payload.system.memoryUsage).toBeGreaterThan(0);
    expect(other.frames.some((frame) => frame.event === 'metrics.tick')).toBe(false);
    expect((await client.request('metrics.unsubscribe', {})).payload).toEqual({ unsubscribed: true });
    expect((await client.request('metrics.unsubscribe', {})).payload).toEqual({ unsubscribed: false });
    expect((await client.request('metrics.subscribe', { intervalMs: 10 })).error?.code).toBe('INVALID_REQUEST');
  });

  it('alerts.list shows what fires now and the recent events, newest first', async () => {
    const { client, kernel } = await start();
    expect((await client.request('alerts.list', {})).payload).toEqual({ active: [], recent: [] });
    const alerts = kernel.use(alertsServiceRef);
    await alerts.raise({ id: 'disk.full', severity: 'critical', message: 'disk at 99%' });
    expect((await waitFor(client, (frame) => frame.event === 'alert')).payload).toMatchObject({ id: 'disk.full', state: 'firing', severity: 'critical' });
    await alerts.raise({ id: 'cpu.high', severity: 'warning', message: 'cpu at 90%' });
    await alerts.resolve('disk.full', 'disk back to 50%');
    const { payload } = await client.request('alerts.list', {});
    expect(payload.active.map((alert: { id: string }) => alert.id)).toEqual(['cpu.high']);
    expect(payload.recent.map((alert: { id: string; state: string }) => `${alert.id}:${alert.state}`)).toEqual(['disk.full:resolved', 'cpu.high:firing', 'disk.full:firing']);
    expect((await client.request('alerts.list', { limit: 1 })).payload.recent).toHaveLength(1);
  });

  it('backups.create, backups.list and backups.verify work on named archives only, with admin scope', async () => {
    const { client, url } = await start();
    expect((await client.request('backups.list', {})).payload.backups).toEqual([]);
    const created = await client.request('backups.create', {});
    expect(created.ok).toBe(true);
    expect(created.payload.name).toMatch(/^moltbot-backup-.+\.tar\.gz$/);
    const listed = await client.request('backups.list', {});
    expect(listed.payload.backups.map((backup: { name: string }) => backup.name)).toEqual([created.payload.name]);
    const verified = await client.request('backups.verify', { name: created.payload.name });
    expect(verified.payload).toMatchObject({ name: created.payload.name, ok: true, problems: [] });
    for (const name of ['../etc/passwd', '/etc/passwd', '..', 'a/b.tar.gz']) {
      expect((await client.request('backups.verify', { name })).error?.code, name).toBe('INVALID_REQUEST');
    }
    const missing = await client.request('backups.verify', { name: 'moltbot-backup-19990101T000000000Z.tar.gz' });
    expect(missing.ok === false || missing.payload.ok === false).toBe(true);
    const reader = await readOnly(url);
    expect((await reader.request('backups.list', {})).error?.code).toBe('FORBIDDEN');
    expect((await reader.request('backups.create', {})).error?.code).toBe('FORBIDDEN');
  });
});
