import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIRST_PARTY } from '../../../app/catalogue.ts';
import { createTestKernel } from '../../../app/testing.ts';
import auditPlugin from '../../../plugins/audit/index.ts';
import { configChecks } from '../../../plugins/audit/config-checks.ts';
import { literalSecrets, secretChecks, secretPaths } from '../../../plugins/audit/secret-checks.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const CANARY = 'canary-pw-5d1e8f0a';
const ids = (checks: { id: string; severity: string }[]) => checks.map((c) => `${c.id}:${c.severity}`);

describe('config checks (config in → id and severity out)', () => {
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['safe defaults', { gateway: { auth: { mode: 'password', password: 'a-long-enough-pass' } } }, []],
    ['lan bind without auth', { gateway: { bind: 'lan', auth: { mode: 'none' }, ssl: { enabled: true } } }, ['gateway.bind_no_auth:critical']],
    ['loopback without auth, control UI on', { gateway: { auth: { mode: 'none' } } }, ['gateway.loopback_no_auth:critical']],
    ['loopback without auth, control UI off', { gateway: { auth: { mode: 'none' }, controlUi: { enabled: false } } }, ['gateway.loopback_no_auth:warning']],
    ['password under 12 characters', { gateway: { auth: { mode: 'password', password: 'short-pw' } } }, ['gateway.password_too_short:warning']],
    ['token under 24 characters', { gateway: { auth: { mode: 'token', token: 'abc123abc123' } } }, ['gateway.token_too_short:warning']],
    ['wildcard origin on loopback', { gateway: { controlUi: { allowedOrigins: ['*'] } } }, ['gateway.control_ui.allowed_origins_wildcard:warning']],
    ['wildcard origin on lan', { gateway: { bind: 'lan', ssl: { enabled: true }, controlUi: { allowedOrigins: ['*'] } } }, ['gateway.control_ui.allowed_origins_wildcard:critical']],
    ['lan without TLS', { gateway: { bind: 'lan' } }, ['gateway.tls_off:warning']],
    ['tailnet needs no TLS', { gateway: { bind: 'tailnet' } }, []],
    ['funnel with token auth', { gateway: { auth: { mode: 'token', token: 'x'.repeat(32) }, tailscale: { mode: 'funnel' } } }, ['gateway.tailscale_funnel_no_password:critical']],
    ['funnel with password', { gateway: { tailscale: { mode: 'funnel' } } }, ['gateway.tailscale_funnel:info']],
    ['sandbox off', { agents: { defaults: { sandbox: { mode: 'off' } } } }, ['sandbox.mode_off:warning']],
    ['sandbox all is fine', { agents: { defaults: { sandbox: { mode: 'all' } } } }, []],
    ['open DMs, sandboxed exec', { channels: { telegram: { dmPolicy: 'open', allowFrom: ['*'] } } }, ['channels.telegram.dm.open:critical', 'security.exposure.open_channels_with_exec.telegram:warning']],
    ['open DMs, exec on the host', { tools: { exec: { sandbox: false } }, channels: { irc: { dmPolicy: 'open', allowFrom: ['*'] } } }, ['channels.irc.dm.open:critical', 'security.exposure.open_channels_with_exec.irc:critical']],
    ['disabled channel is ignored', { channels: { irc: { enabled: false, dmPolicy: 'open', allowFrom: ['*'] } } }, []],
    ['lan without a rate limit', { gateway: { bind: 'lan', ssl: { enabled: true }, rateLimiting: { enabled: false } } }, ['gateway.auth_no_rate_limit:warning']],
    ['loopback without a rate limit is fine', { gateway: { rateLimiting: { enabled: false } } }, []],
    ['third-party plugins without an allowlist', { plugins: ['gateway', ['moltbot-plugin-x', {}], './local.ts'] }, ['plugins.extensions_no_allowlist:warning']],
    ['third-party plugins with an allowlist', { plugins: ['moltbot-plugin-x'], pluginPolicy: { allow: ['moltbot-plugin-x'] } }, []],
    ['first-party plugins only', { plugins: ['gateway', ['cache', {}]] }, []],
    ['empty allowlist', { channels: { webchat: { dmPolicy: 'allowlist' } } }, ['channels.webchat.dm.allowlist_empty:info']],
  ];
  for (const [name, config, expected] of cases) {
    it(name, () => expect(ids(configChecks(config, { isFirstParty: (reference) => Object.hasOwn(FIRST_PARTY, reference) }))).toEqual(expected));
  }

  it('the plugin tells first-party plugins from others by what the kernel resolved (no catalogue import)', async () => {
    const { dir } = useTempDir();
    const local = join(dir, 'local-plugin.mjs');
    writeFileSync(local, "export default { name: 'local-x', version: '1.0.0', setup() {} };\n");
    const kernel = await createTestKernel({ config: { preset: 'none', plugins: [auditPlugin, 'cache', local] } });
    const found: { id: string; description: string }[] = [];
    await kernel.hooks.audit.promise({ add: (check) => void found.push(check) });
    const finding = found.find((check) => check.id === 'plugins.extensions_no_allowlist');
    expect(finding?.description).toContain(local);
    expect(finding?.description).not.toMatch(/\bcache\b/);
  });

  it('never puts a secret value in a finding', () => {
    const text = JSON.stringify(configChecks({ gateway: { auth: { mode: 'password', password: CANARY.slice(0, 10) } } }));
    expect(text).toContain('gateway.password_too_short');
    expect(text).not.toContain(CANARY.slice(0, 10));
  });
});

describe('secrets in config files', () => {
  it('knows the secret fields from the root schema', () => {
    const paths = secretPaths().map((path) => path.join('.'));
    expect(paths).toContain('gateway.auth.password');
    expect(paths).toContain('channels.*.botToken');
    // Behind $ref and array items too.
    expect(paths).toContain('cron.jobs.*.deliver.webhook');
  });

  it('flags a literal webhook URL of a cron job (an array item behind a $ref)', () => {
    const { write } = useTempDir();
    const json = write('moltbot.config.json', JSON.stringify({ cron: { jobs: [{ id: 'a', message: 'm', every: '1h', deliver: { webhook: 'https://hooks.example/secret-token-path' } }] } }));
    expect(literalSecrets(json, JSON.stringify({ cron: { jobs: [{ deliver: { webhook: 'https://hooks.example/secret-token-path' } }] } }))).toEqual(['cron.jobs.0.deliver.webhook']);
    expect(secretChecks([json])[0]?.description).toContain('cron.jobs.0.deliver.webhook');
  });

  it('flags a literal MCP header or env value in JSON (secret paths ending in a wildcard), and a code file with them is still read', () => {
    const { write } = useTempDir();
    const config = { mcp: { servers: { docs: { url: 'https://example.test/mcp', headers: { Authorization: 'Bearer literal-key' } }, fs: { command: 'x', env: { TOKEN: '${FS_TOKEN}' } } } } };
    const json = write('moltbot.config.json', JSON.stringify(config));
    expect(literalSecrets(json, JSON.stringify(config))).toEqual(['mcp.servers.docs.headers.Authorization']);
    const ts = write('moltbot.config.ts', `export default { mcp: { servers: { fs: { command: 'x', env: { TOKEN: 'literal' } } } }, gateway: { auth: { password: '${CANARY}' } } };`);
    expect(ids(secretChecks([ts]))).toEqual(['config.secrets.in_config_file:warning']);
  });

  it('flags literal values in JSON by path and in code files by key, not ${VAR} references', () => {
    const { write } = useTempDir();
    const json = write('clawdbot.json', JSON.stringify({ gateway: { auth: { password: CANARY, token: '${TOKEN}' } }, channels: { telegram: { botToken: 'literal-bot-token' } } }));
    const ts = write('moltbot.config.ts', `export default { gateway: { auth: { password: '${CANARY}' } } };`);
    const clean = write('moltbot.config.mjs', 'export default { gateway: { auth: { password: "${CLAWDBOT_GATEWAY_PASSWORD}" } } };');
    expect(literalSecrets(json, JSON.stringify({ gateway: { auth: { password: CANARY } } }))).toEqual(['gateway.auth.password']);
    const checks = secretChecks([json, ts, clean]);
    expect(ids(checks)).toEqual(['config.secrets.in_config_file:warning', 'config.secrets.in_config_file:warning']);
    expect(checks[0]!.description).toContain('gateway.auth.password, channels.telegram.botToken');
    expect(checks[1]!.description).toContain('…password');
    expect(JSON.stringify(checks)).not.toContain(CANARY);
  });
});
