/**
 * Secrets marked by plugin schemas (not only the root schema's) stay masked wherever config is
 * shown: `config print`, RPC `config.get`, the doctor bundle and the log. Canary values in the
 * options of `alert-webhook` (url, secret), `session-store-redis` (url with a password) and a
 * `channels.webhook` section (callbackUrl) must never appear.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { list as tarList } from 'tar';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createKernel } from '../../../app/index.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { definePlugin } from '../../../core/plugin.ts';
import { configSecrets } from '../../../core/validate/config-secrets.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { startGatewayProcess, writeConfig } from '../../helpers/gateway-process.ts';
import { redisPrefix } from '../../helpers/redis.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { connectClient } from '../../plugins/gateway/helpers.ts';

const PASSWORD = 'plugin-secrets-gateway-password-01';
const CANARY_HOOK = 'canaryhookpath7f3a91c2';
const CANARY_SIGNING = 'canary-signing-secret-5b2e8d';
const CANARY_REDIS = 'canaryredispass4c9e1a';
const CANARY_CALLBACK = 'canarycallbacktoken8d7f6e';
const CANARIES = [CANARY_HOOK, CANARY_SIGNING, CANARY_REDIS, CANARY_CALLBACK];

function expectNoCanary(text: string, where: string): void {
  for (const canary of CANARIES) expect(text.includes(canary), `${canary} in ${where}`).toBe(false);
}

function config(keyPrefix: string) {
  return {
    gateway: { auth: { mode: 'password', password: PASSWORD } },
    alerts: { sinks: ['console', 'webhook'] },
    channels: { webhook: { secret: 'webhook-channel-secret-0123', callbackUrl: `http://127.0.0.1:9/cb?token=${CANARY_CALLBACK}` } },
    plugins: [
      ['alert-webhook', { url: `https://hooks.example.invalid/${CANARY_HOOK}`, secret: CANARY_SIGNING }],
      ['session-store-redis', { url: `redis://default:${CANARY_REDIS}@127.0.0.1:6379`, keyPrefix }],
    ],
  };
}

describe('configSecrets', () => {
  const root = { type: 'object', properties: { plugins: { type: 'array' }, channels: { type: 'object' } } };
  const hookSchema = { type: 'object', properties: { url: { type: 'string', secret: true }, retries: { type: 'integer' } } };
  const refSchema = { definitions: { conn: { type: 'object', properties: { dsn: { type: 'string', secret: true } } } }, type: 'object', properties: { servers: { type: 'array', items: { $ref: '#/definitions/conn' } } } };

  it('applies each plugin schema at its own options position only ($ref and array items followed)', () => {
    const secrets = configSecrets(root, [
      { plugin: 'hook', path: ['plugins', 0, 1], schema: hookSchema },
      { plugin: 'db', path: ['plugins', 2, 1], schema: refSchema },
      { plugin: 'channel-x', path: ['channels', 'x'], schema: hookSchema },
    ]);
    const cfg = {
      plugins: [['hook', { url: 'https://a/secret-1', retries: 2 }], ['other', { url: 'https://public/' }], ['db', { servers: [{ dsn: 'pg://u:p@h/secret-2' }] }]],
      channels: { x: { url: 'https://x/secret-3' } },
    };
    expect(secrets.mask(cfg)).toEqual({
      plugins: [['hook', { url: '[REDACTED]', retries: 2 }], ['other', { url: 'https://public/' }], ['db', { servers: [{ dsn: '[REDACTED]' }] }]],
      channels: { x: { url: '[REDACTED]' } },
    });
    expect(cfg.plugins[0]![1]).toEqual({ url: 'https://a/secret-1', retries: 2 });
    expect(secrets.values(cfg).sort()).toEqual(['https://a/secret-1', 'https://x/secret-3', 'pg://u:p@h/secret-2']);
  });
});

describe('plugin secrets through a real kernel and a real gateway', { timeout: 60_000 }, () => {
  it('a plugin that logs options or config carelessly: the log shows no plugin secret', async () => {
    const careless = definePlugin({
      name: 'careless-logger',
      version: '1.0.0',
      setup(ctx) {
        ctx.log.info({ entries: ctx.config.plugins, channels: ctx.config.channels }, 'careless: the whole plugin list');
        ctx.log.error(new Error(`could not reach https://hooks.example.invalid/${CANARY_HOOK} (signed with ${CANARY_SIGNING})`), 'careless: an error quoting the options');
      },
    });
    const cfg = config(redisPrefix());
    // Under preset "none" only the webhook sink is loaded: naming console too would be a config error.
    const kernel = await createTestKernel({ config: { preset: 'none', alerts: { sinks: ['webhook'] }, plugins: [cfg.plugins[0]!] }, plugins: ['alerts', careless] });
    const lines = JSON.stringify(kernel.logs);
    expect(lines).toContain('careless: the whole plugin list');
    expectNoCanary(lines, 'the kernel log');
    expect(kernel.secrets.mask(kernel.config).plugins[0][1]).toMatchObject({ url: '[REDACTED]', secret: '[REDACTED]' });
  });

  it('a channel plugin loaded by name (not implied): its channels.<id> section is masked by its own schema too', async () => {
    const CANARY_ENDPOINT = 'canaryendpoint3e7d1b';
    // `endpoint` is secret only in this plugin's schema (neither the root schema nor its name says so).
    const custom = definePlugin({
      name: 'channel-custom',
      version: '1.0.0',
      schema: { type: 'object', properties: { endpoint: { type: 'string', secret: true } } },
      setup() {},
    });
    // validate() resolves and checks every plugin without running any: enough for the secrets view.
    const kernel = createKernel({ config: { preset: 'none', channels: { custom: { dmPolicy: 'open', allowFrom: ['*'], endpoint: `https://x.invalid/${CANARY_ENDPOINT}` } } }, plugins: [custom] });
    await kernel.validate();
    expect(kernel.secrets.mask(kernel.config).channels.custom).toMatchObject({ dmPolicy: 'open', endpoint: '[REDACTED]' });
    expect(kernel.secrets.values(kernel.config)).toContain(`https://x.invalid/${CANARY_ENDPOINT}`);
  });

  it('config print, RPC config.get, doctor --bundle and the gateway output never show a plugin secret', async () => {
    const { dir } = useTempDir('moltbot-plugin-secrets-');
    writeConfig(dir, config(redisPrefix()));
    const gateway = await startGatewayProcess(dir, 'a');
    onTestFinished(() => gateway.stop('SIGKILL').then(() => undefined));

    const client = await connectClient(gateway.url, { password: PASSWORD });
    const res = await client.request('config.get', {});
    expect(res.ok).toBe(true);
    const shown = res.payload.config;
    expect(shown.plugins).toEqual([
      ['alert-webhook', { url: '[REDACTED]', secret: '[REDACTED]' }],
      ['session-store-redis', { url: '[REDACTED]', keyPrefix: expect.any(String) }],
    ]);
    expect(shown.channels.webhook.callbackUrl).toBe('[REDACTED]');
    expectNoCanary(JSON.stringify(res), 'config.get');
    client.ws.close();

    const env = { MOLTBOT_STATE_DIR: join(dir, 'state-cli') };
    const printed = await runCliCaptured(['config', 'print'], { cwd: dir, env });
    expect(printed.code).toBe(0);
    expect(JSON.parse(printed.stdout).plugins[0][1].url).toBe('[REDACTED]');
    expectNoCanary(printed.stdout + printed.stderr, 'config print');

    const doctor = await runCliCaptured(['doctor', '--bundle', 'support.tgz'], { cwd: dir, env });
    const files = new Map<string, string>();
    await tarList({ file: join(dir, 'support.tgz'), onReadEntry: (entry) => { const chunks: Buffer[] = []; entry.on('data', (c: Buffer) => chunks.push(c)); entry.on('end', () => files.set(entry.path, Buffer.concat(chunks).toString())); } } as Parameters<typeof tarList>[0]);
    expect(files.size).toBe(3);
    expect(JSON.parse(files.get('config.json')!).channels.webhook.callbackUrl).toBe('[REDACTED]');
    for (const [name, text] of files) expectNoCanary(text, `bundle ${name}`);
    expectNoCanary(doctor.stdout + doctor.stderr, 'doctor output');

    await gateway.stop('SIGTERM');
    expectNoCanary(gateway.output(), 'the gateway output');
    // The values were really there to leak: the config file holds them in clear.
    expect(readFileSync(join(dir, 'moltbot.config.json'), 'utf8')).toContain(CANARY_REDIS);
  });
});
