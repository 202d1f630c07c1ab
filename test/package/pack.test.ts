/**
 * Issue 20's "done when", from the packed tarball: a plugin package outside the repository,
 * importing only public entries (`moltbot`, `moltbot/plugin-sdk/<area>`), type-checks under
 * `tsc --strict` and works at runtime with the installed moltbot. Packed and installed once
 * (harness.ts); each capability is a plugin file written in beforeAll plus a test below, so an
 * SDK area adds its capability here in minutes. Covered: service by ref, own error codes, CLI
 * command, HTTP route, embedding, an RPC method with scope and params schema seen by a read
 * client, a CLI command calling the running gateway, a cache tier and an alert sink selected by
 * config, the shared Redis connection (the test setup's Redis on 6379), doctor checks, audit
 * findings, backup sources, an agent tool with workspace-confined file access, a signed-webhook
 * channel with replay protection.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npm } from './npm.ts';
import { signatureHeader, verifySignature } from '../../sdk/channels/index.ts';
import { readTokenFile, tokenFilePath } from '../../sdk/gateway/index.ts';
import { REDIS_URL } from '../helpers/redis.ts';
import { openClient } from '../plugins/gateway/helpers.ts';
import { packAndInstall, type InstalledPackage } from './harness.ts';

/** The plugin: one file per capability would do as well; one keeps the imports in view. */
const PLUGIN = `
import { createServiceRef, defineErrors, definePlugin, MoltbotError } from 'moltbot/plugin-sdk/core';

export interface Greeter {
  greet(name: string): string;
}

/** Typed service by reference. */
export const greeterRef = createServiceRef<Greeter>({ id: 'pack-greeter', description: 'Greets (pack test)' });

/** Its own error codes in the open catalogue. */
export const errors = defineErrors('pack-greeter', {
  PACK_GREETER_ERR_NAME: { title: 'The name is missing', fix: 'pass a name: moltbot greet <name>', exitCode: 3 },
});

export default definePlugin<{ greeting: string }>({
  name: 'pack-greeter',
  version: '0.1.0',
  kernel: '^1.0.0',
  schema: { type: 'object', additionalProperties: false, properties: { greeting: { type: 'string', minLength: 1 } } },
  defaults: { greeting: 'Hello' },
  provides: [greeterRef],
  setup(ctx, options) {
    const greeter: Greeter = { greet: (name) => \`\${options.greeting}, \${name}!\` };
    ctx.provide(greeterRef, greeter);

    // An HTTP route on the gateway.
    ctx.hooks.httpRoute.tap(ctx.name, (router) => router.route({
      method: 'GET',
      path: '/pack-greeter/hello',
      public: true,
      handler(request, response) {
        const name = new URL(request.url ?? '/', 'http://gateway').searchParams.get('name') ?? 'world';
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ text: greeter.greet(name) }));
      },
    }));

    // A CLI command.
    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => {
      program.command('greet [name]').description('greets (pack test)').action((name: string | undefined) => {
        if (!name) throw new MoltbotError(errors.PACK_GREETER_ERR_NAME, { plugin: ctx.name });
        cli.print(greeter.greet(name) + '\\n');
      });
    });
  },
});
`;

/** A second plugin consuming the first by reference: typed, ordered after it. */
const CONSUMER = `
import { definePlugin } from 'moltbot/plugin-sdk/core';
import { greeterRef } from './plugin.ts';

export default definePlugin({
  name: 'pack-consumer',
  version: '0.1.0',
  kernel: '^1.0.0',
  consumes: [greeterRef],
  setup(ctx) {
    const text: string = ctx.use(greeterRef).greet('consumer');
    ctx.hooks.ready.tap(ctx.name, () => ctx.log.info({ text }, 'consumer ready'));
  },
});
`;

const config = (callbackUrl: string) => `
import { defineConfig } from 'moltbot';

export default defineConfig({
  cache: { tiers: ['memory', 'pack-tier'] },
  alerts: { sinks: ['pack-sink'] },
  plugins: [['./plugin.ts', { greeting: 'Hi' }], './consumer.ts', ['./ops.ts', { dataDir: './data' }], './rpc.ts', './files.ts',
    ['./webhook.ts', { secret: '${HOOK_SECRET}', callbackUrl: '${callbackUrl}' }]],
});
`;

/** RPC for everyone: a read method with a params schema and its own error code, and a CLI command calling it on the running gateway. */
const RPC = `
import { defineErrors, definePlugin, MoltbotError } from 'moltbot/plugin-sdk/core';
import { callRunningGateway, defineMethod, type GatewayRefusal } from 'moltbot/plugin-sdk/gateway';

const errors = defineErrors('pack-rpc', {
  PACK_RPC_ERR_SHOUTING: { title: 'Shouting is not allowed', fix: 'send the text in lower case' },
});

export default definePlugin({
  name: 'pack-rpc',
  version: '0.1.0',
  kernel: '^1.0.0',
  setup(ctx) {
    defineMethod<{ text: string }>(ctx, {
      name: 'pack.echo',
      scope: 'read',
      description: 'Echoes a text (pack test).',
      params: { type: 'object', additionalProperties: false, required: ['text'], properties: { text: { type: 'string', maxLength: 100 } } },
      errors,
      handler: ({ text }) => {
        if (text !== text.toLowerCase()) throw new MoltbotError(errors.PACK_RPC_ERR_SHOUTING, { message: 'the text is in upper case', plugin: ctx.name });
        return { echo: text };
      },
    });
    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => {
      program.command('pack-echo <text>').option('--url <url>', 'gateway WebSocket URL').action(async (text: string, options: { url?: string }) => {
        try {
          cli.print((await callRunningGateway<{ echo: string }>(ctx, 'pack.echo', { text }, options)).echo + '\\n');
        } catch (error) {
          cli.warn(\`\${(error as GatewayRefusal).code ?? 'ERROR'}: \${(error as Error).message}\\n\`);
          cli.setExitCode(2);
        }
      });
    });
  },
});
`;

/** An agent tool reading workspace files through the confined helper (path access declared). */
const FILES = `
import { toolRegistryRef, type ToolContext } from 'moltbot/plugin-sdk/agent';
import { definePlugin } from 'moltbot/plugin-sdk/core';
import { workspaceFiles } from 'moltbot/plugin-sdk/workspace';

export default definePlugin({
  name: 'pack-files',
  version: '0.1.0',
  kernel: '^1.0.0',
  consumes: [toolRegistryRef],
  setup(ctx) {
    const files = workspaceFiles(ctx, { maxReadBytes: 64 * 1024, maxWriteBytes: 64 * 1024 });
    ctx.onClose(ctx.use(toolRegistryRef).register({
      name: 'pack_read',
      description: 'Reads a workspace file (pack test).',
      parameters: { type: 'object', required: ['path'], properties: { path: { type: 'string' } } },
      access: { paths: 'read' },
      handler: ({ path }: { path: string }, tool: ToolContext) => files.read(path, tool),
    }));
  },
});
`;

/** A signed-webhook channel with replay protection: the SDK test's fixture, renamed, installed as a package file. */
const WEBHOOK = readFileSync(new URL('../sdk/channels/fixtures/acme-channel.ts', import.meta.url), 'utf8')
  .replace("'channel-acme'", "'channel-packhook'").replace("'/channels/acme'", "'/channels/packhook'")
  .replace("channel: 'acme'", "channel: 'packhook'").replace("id: 'acme'", "id: 'packhook'");

/** Operations: a cache tier and an alert sink each selected by config, a doctor check, an audit finding, a backup source. */
const OPS = `
import { Keyv } from 'keyv';
import { tapAlertSink } from 'moltbot/plugin-sdk/alerts';
import { getCacheHooks, type CacheStore } from 'moltbot/plugin-sdk/cache';
import { definePlugin, type Alert } from 'moltbot/plugin-sdk/core';

/** What the sink received (the embedding program prints it). */
export const received: Alert[] = [];

function mapStore(): CacheStore {
  const map = new Map<string, unknown>();
  return { timeoutMs: 0, keyv: (namespace) => new Keyv({ store: map, serialization: false, namespace }), close: async () => map.clear() };
}

export default definePlugin<{ dataDir: string }>({
  name: 'pack-ops',
  version: '0.1.0',
  kernel: '^1.0.0',
  schema: { type: 'object', additionalProperties: false, required: ['dataDir'], properties: { dataDir: { type: 'string' } } },
  dependencies: ['cache'],
  setup(ctx, options) {
    getCacheHooks(ctx).stores.tap(ctx.name, (stores) => stores.set('pack-tier', { plugin: ctx.name, rank: 5, create: mapStore }));
    tapAlertSink(ctx, 'pack-sink', (alert) => void received.push(alert));
    ctx.hooks.diagnose.tapPromise(ctx.name, async (report) => report.add({ id: 'pack.ops', severity: 'ok', title: 'Pack ops', description: 'the pack test plugin is loaded' }));
    ctx.hooks.audit.tapPromise(ctx.name, async (report) => report.add({ id: 'pack.audit', severity: 'warning', title: 'Pack audit', description: 'a finding from outside the repository', recommendation: 'none needed' }));
    ctx.hooks.backupSources.tap(ctx.name, (sources) => [...sources, { name: 'pack-data', path: options.dataDir, plugin: ctx.name }]);
  },
});
`;

/** The tier and the sink at work, in the user's own program. */
const OPS_EMBED = `
import { createKernel } from 'moltbot';
import { alertsServiceRef } from 'moltbot/plugin-sdk/alerts';
import { cacheServiceRef } from 'moltbot/plugin-sdk/cache';
import ops, { received } from './ops.ts';

const kernel = createKernel({
  config: { cache: { tiers: ['pack-tier'] }, alerts: { sinks: ['pack-sink'] } },
  plugins: ['cache', 'alerts', [ops, { dataDir: process.cwd() }]],
});
await kernel.start();
const cache = kernel.use(cacheServiceRef);
await cache.namespace('notes').set('answer', 42);
await kernel.use(alertsServiceRef).raise({ id: 'pack.alert', severity: 'critical', message: 'from the pack test' });
console.log(JSON.stringify({ tiers: cache.tiers, value: await cache.namespace('notes').get('answer'), health: cache.health().tiers.map((tier) => tier.plugin), alerts: received.map((alert) => alert.id) }));
await kernel.close();
`;

/** Two plugins of this package sharing moltbot's one Redis connection (the real Redis of the test setup). */
const REDIS_EMBED = `
import { createKernel } from 'moltbot';
import { definePlugin } from 'moltbot/plugin-sdk/core';
import { redisServiceRef, type RedisConnection } from 'moltbot/plugin-sdk/redis';

const ids: Record<string, number> = {};
const user = (name: string) => definePlugin({
  name,
  version: '0.1.0',
  kernel: '^1.0.0',
  consumes: [redisServiceRef],
  setup(ctx) {
    let connection: RedisConnection | undefined;
    ctx.hooks.start.tapPromise(ctx.name, async () => {
      connection = await ctx.use(redisServiceRef).connect({ url: process.argv[2]!, user: ctx.name });
      ids[ctx.name] = Number(await connection.client.sendCommand(['CLIENT', 'ID']));
    });
    ctx.onClose(() => connection?.close());
  },
});
const kernel = createKernel({ config: {}, plugins: [user('pack-redis-a'), user('pack-redis-b')] });
await kernel.start();
console.log(JSON.stringify({ ids, connections: kernel.use(redisServiceRef).connections().map((c) => c.users) }));
await kernel.close();
`;

/** Embedding: the user's own program starts a kernel with the plugins and uses a service by ref. */
const EMBED = `
import { createKernel } from 'moltbot';
import greeter, { greeterRef } from './plugin.ts';
import consumer from './consumer.ts';

const kernel = createKernel({ plugins: [[greeter, { greeting: 'Hey' }], consumer], config: {} });
await kernel.start();
console.log(kernel.use(greeterRef).greet('embedder'));
await kernel.close();
`;

const HOOK_SECRET = 'pack-hook-secret-0123456789';

/** The platform's side of the webhook channel: records the signed callbacks (replies). */
async function startReceiver(): Promise<{ url: string; callbacks: { chatId: string; text: string; signed: boolean }[]; close(): Promise<void> }> {
  const callbacks: { chatId: string; text: string; signed: boolean }[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const signed = verifySignature(req.headers['x-acme-signature'], HOOK_SECRET, `${String(req.headers['x-acme-timestamp'])}.`, body);
    callbacks.push({ ...(JSON.parse(body.toString('utf8')) as { chatId: string; text: string }), signed });
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, callbacks, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let installed: InstalledPackage;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  installed = await packAndInstall();
  installed.write('plugin.ts', PLUGIN);
  installed.write('consumer.ts', CONSUMER);
  installed.write('moltbot.config.ts', config(receiver.url));
  installed.write('embed.ts', EMBED);
  installed.write('ops.ts', OPS);
  installed.write('rpc.ts', RPC);
  installed.write('files.ts', FILES);
  installed.write('webhook.ts', WEBHOOK);
  // The agent's workspace: ~/clawd, HOME being the package folder.
  installed.write('clawd/notes.md', 'from the workspace\n');
  // A workspace tool: runs in the sandbox's worker process, forked from the bundle's worker entry.
  installed.write('clawd/tools/pack_sum.mjs', "export default { description: 'Adds (pack test).', parameters: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'integer' }, b: { type: 'integer' } } }, run: (args) => ({ sum: args.a + args.b, process: typeof process }) };\n");
  installed.write('ops-embed.ts', OPS_EMBED);
  installed.write('redis-embed.ts', REDIS_EMBED);
  installed.write('data/notes.txt', 'backed up by pack-ops\n');
}, 180_000);

// Removing a few hundred installed packages takes a while on a busy machine.
afterAll(async () => {
  await receiver?.close();
  installed?.remove();
}, 120_000);

describe('the packed moltbot, installed outside the repository', () => {
  it('ships the compiled dist/ and no TypeScript sources', () => {
    const root = join(installed.dir, 'node_modules', 'moltbot');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './testing', './protocol', './plugin-sdk/*']));
    expect(() => readFileSync(join(root, 'dist', 'sdk', 'core', 'index.d.ts'))).not.toThrow();
    expect(() => readFileSync(join(root, 'app', 'index.ts'))).toThrow();
  });

  it('type-checks a plugin with public imports only under tsc --strict', async () => {
    const result = await installed.tsc();
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('loads the plugins from moltbot.config.ts: the consumer uses the service by ref', async () => {
    const result = await installed.moltbot(['plugins', 'list', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const rows = (JSON.parse(result.stdout) as { name: string; status: string }[]).filter((row) => row.name.startsWith('pack-'));
    expect(rows).toMatchObject([{ name: 'pack-greeter', status: 'set-up' }, { name: 'pack-consumer', status: 'set-up' }, { name: 'pack-ops', status: 'set-up' }, { name: 'pack-rpc', status: 'set-up' }, { name: 'pack-files', status: 'set-up' }]);
    expect((JSON.parse(result.stdout) as { name: string; status: string }[]).find((row) => row.name === 'channel-packhook')).toMatchObject({ status: 'set-up' });
  });

  it('adds a CLI command, failing with its own error code and exit code', async () => {
    const greeted = await installed.moltbot(['greet', 'Ada']);
    expect(greeted.stderr).toBe('');
    expect([greeted.code, greeted.stdout]).toEqual([0, 'Hi, Ada!\n']);
    const refused = await installed.moltbot(['greet']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('PACK_GREETER_ERR_NAME');
    expect(refused.stderr).toContain('pass a name: moltbot greet <name>');
  });

  it('runs embedded: createKernel from moltbot in the user\'s own program', async () => {
    const result = await installed.node(['embed.ts']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toContain('Hey, embedder!');
  });

  it('adds an RPC method a read client sees and calls, bad params rejected, and a CLI command calling it on the running gateway', async () => {
    const gateway = await installed.gateway();
    const token = await readTokenFile(tokenFilePath(join(installed.dir, '.state')));
    const client = openClient(gateway.url);
    const hello = await client.connect({ token }, { scopes: ['read'] });
    expect(hello.ok, JSON.stringify(hello)).toBe(true);
    expect(hello.payload.methods).toContain('pack.echo');
    expect((await client.request('pack.echo', { text: 'hi' })).payload).toEqual({ echo: 'hi' });
    expect((await client.request('pack.echo', {})).error).toEqual({ code: 'INVALID_REQUEST', message: '/params/text is required' });
    expect((await client.request('pack.echo', { text: 'HI' })).error).toMatchObject({ code: 'PACK_RPC_ERR_SHOUTING', details: { fix: 'send the text in lower case' } });

    const echoed = await installed.moltbot(['pack-echo', 'hello', '--url', gateway.url]);
    expect(echoed).toEqual({ code: 0, stdout: 'hello\n', stderr: '' });
    const refused = await installed.moltbot(['pack-echo', 'LOUD', '--url', gateway.url]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('PACK_RPC_ERR_SHOUTING');
  });

  it('adds an agent tool reading workspace files through the confined helper, refused outside the workspace', async () => {
    const gateway = await installed.gateway();
    const client = openClient(gateway.url);
    const hello = await client.connect({ token: await readTokenFile(tokenFilePath(join(installed.dir, '.state'))) }, { scopes: ['read', 'write', 'admin'] });
    expect(hello.ok, JSON.stringify(hello)).toBe(true);
    const invoke = (path: string) => client.request('tools.invoke', { name: 'pack_read', args: { path }, sessionKey: 'agent:main:main' });
    expect((await invoke('notes.md')).payload).toMatchObject({ ok: true, output: 'from the workspace\n' });
    expect((await invoke('../package.json')).payload).toMatchObject({ ok: false, error: { code: 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE' } });
  });

  it('runs a workspace tool in the sandbox worker of the installed package', async () => {
    const gateway = await installed.gateway();
    const client = openClient(gateway.url);
    const hello = await client.connect({ token: await readTokenFile(tokenFilePath(join(installed.dir, '.state'))) }, { scopes: ['read', 'write', 'admin'] });
    expect(hello.ok, JSON.stringify(hello)).toBe(true);
    const answer = await client.request('tools.invoke', { name: 'pack_sum', args: { a: 2, b: 3 }, sessionKey: 'agent:main:main' });
    expect(answer.payload, JSON.stringify(answer)).toMatchObject({ ok: true, output: { sum: 5, process: 'undefined' } });
  });

  it('adds a signed-webhook channel: a signed POST is answered through the signed callback; a replay, a forgery and a stale timestamp are refused', async () => {
    const gateway = await installed.gateway();
    const url = `http://127.0.0.1:${gateway.port}/channels/packhook`;
    const sign = (body: string, timestamp = Date.now()) => ({ 'x-acme-timestamp': String(timestamp), 'x-acme-signature': signatureHeader(HOOK_SECRET, `${timestamp}.`, body) });
    const post = async (body: string, headers: Record<string, string>) => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      return { status: response.status, body: await response.text() };
    };
    const body = JSON.stringify({ sender: 'alice', text: 'hello', messageId: 'm-1' });
    const headers = sign(body);
    const first = await post(body, headers);
    expect(first.status, first.body).toBe(202);
    // An unknown sender gets a pairing code back, through the signed callback.
    const deadline = Date.now() + 10_000;
    while (!receiver.callbacks.some((callback) => /pairing code/i.test(callback.text)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(receiver.callbacks.find((callback) => /pairing code/i.test(callback.text))).toMatchObject({ chatId: 'alice', signed: true });
    expect(await post(body, headers)).toMatchObject({ status: 200, body: expect.stringContaining('duplicate') });
    expect((await post(body, sign(body.replace('hello', 'forged')))).status).toBe(401);
    const forged = JSON.stringify({ sender: 'mallory', text: 'let me in' });
    expect((await post(forged, { ...sign(forged), 'x-acme-signature': signatureHeader('not-the-secret-0123456789', `${Date.now()}.`, forged) })).status).toBe(401);
    expect((await post(forged, sign(forged, Date.now() - 3_600_000))).status).toBe(401);
  });

  it('serves the cache as the tier cache.tiers names and receives alerts as the sink alerts.sinks names', async () => {
    const result = await installed.node(['ops-embed.ts']);
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout.trim().split('\n').find((line) => line.startsWith('{"tiers"'))!) as object;
    expect(printed).toEqual({ tiers: ['pack-tier'], value: 42, health: ['pack-ops'], alerts: ['pack.alert'] });
  });

  it('shares one Redis connection between two plugins through redisServiceRef', async () => {
    const result = await installed.node(['redis-embed.ts', REDIS_URL]);
    expect(result.code, result.stderr).toBe(0);
    const printed = JSON.parse(result.stdout.trim().split('\n').find((line) => line.startsWith('{"ids"'))!) as { ids: Record<string, number>; connections: string[][] };
    expect(printed.ids['pack-redis-a']).toBeGreaterThan(0);
    expect(printed.ids['pack-redis-b']).toBe(printed.ids['pack-redis-a']);
    expect(printed.connections).toEqual([['pack-redis-a', 'pack-redis-b']]);
  });

  it('adds a doctor check, an audit finding and a backup source', async () => {
    const doctor = await installed.moltbot(['doctor', '--json']);
    const checks = (JSON.parse(doctor.stdout) as { checks: { id: string; severity: string }[] }).checks;
    expect(checks).toContainEqual(expect.objectContaining({ id: 'pack.ops', severity: 'ok' }));
    const audit = await installed.moltbot(['security', 'audit', '--json']);
    const findings = (JSON.parse(audit.stdout) as { findings: { id: string; severity: string }[] }).findings;
    expect(findings).toContainEqual(expect.objectContaining({ id: 'pack.audit', severity: 'warning' }));
    const backup = await installed.moltbot(['backup', 'create', '--json', '--output', join(installed.root, 'backup.tar.gz')]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(execFileSync('tar', ['-tzf', join(installed.root, 'backup.tar.gz')], { encoding: 'utf8' }).split('\n')).toContain('payload/pack-data/notes.txt');
  });

  it('serves its HTTP route on the running gateway', async () => {
    const gateway = await installed.gateway();
    const response = await fetch(`http://127.0.0.1:${gateway.port}/pack-greeter/hello?name=Grace`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ text: 'Hi, Grace!' });
  });

  it('validates a config importing moltbot in a folder with no moltbot installed (a global install)', async () => {
    // The user's folder has no node_modules: `moltbot` resolves to the running CLI's own copy.
    const home = mkdtempSync(join(tmpdir(), 'moltbot-global-user-'));
    try {
      installed.write(join(home, 'moltbot.config.ts'), `
import { defineConfig } from 'moltbot';
import { KERNEL_VERSION } from 'moltbot/plugin-sdk/core';

export default defineConfig({ agent: { model: 'anthropic/claude-' + KERNEL_VERSION } });
`);
      const result = await installed.moltbot(['config', 'validate'], { cwd: home });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Config OK: .*moltbot\.config\.ts/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('scaffolds a plugin package that installs offline against this installed copy and passes its tests', async () => {
    const created = await installed.moltbot(['plugin', 'create', 'from-install', '--yes'], { cwd: installed.root });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).not.toContain('npm run build');
    const dir = join(installed.root, 'from-install');
    const moltbot = join(installed.dir, 'node_modules', 'moltbot');
    expect((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies.moltbot).toBe(`file:${moltbot}`);
    const install = await npm(['install'], { cwd: dir, timeoutMs: 60_000 });
    expect(install.code, install.stderr).toBe(0);
    expect(realpathSync(join(dir, 'node_modules', 'moltbot'))).toBe(realpathSync(moltbot));
    const typecheck = await npm(['run', '--silent', 'typecheck'], { cwd: dir, timeoutMs: 60_000 });
    expect(typecheck.stdout + typecheck.stderr).toBe('');
    const tests = await npm(['test', '--silent', '--', '--reporter=dot'], { cwd: dir, env: { NO_COLOR: '1' }, timeoutMs: 60_000 });
    expect(tests.code, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/Tests\s+\S*\d+ passed/);
  }, 150_000);
});
