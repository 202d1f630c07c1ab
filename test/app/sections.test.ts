/**
 * Config sections bring their plugins: a setting whose plugin is not loaded either loads it or is
 * a config error naming the path and the plugin to add — never silently ignored (issue 20).
 */
import { existsSync, readFileSync } from 'node:fs';
import { logFileServiceRef } from '../../plugins/log-file/index.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_SECTIONS, EMBEDDED_PRESET, FIRST_PARTY, IMPLIED_PLUGINS } from '../../app/catalogue.ts';
import { createTestKernel } from '../../app/testing.ts';
import { createKernel } from '../../core/kernel.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { runCliCaptured } from '../helpers/cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/** The kernel `moltbot gateway` builds (app/cli.ts), on an object config, not started. */
function cliKernel(dir: string, config: Record<string, unknown>) {
  return createKernel({
    config, cwd: dir, homeDir: dir, env: { HOME: dir, MOLTBOT_STATE_DIR: join(dir, 'state') },
    catalogue: FIRST_PARTY, preset: EMBEDDED_PRESET, impliedPlugins: IMPLIED_PLUGINS, sections: CONFIG_SECTIONS,
    logLevel: 'info', logDestination: { write: () => undefined },
  });
}

const names = (infos: { name: string }[]) => infos.map((info) => info.name);

describe('a present section loads its first-party plugin', () => {
  it('logging.transports alone loads log-file, which writes the log file', async () => {
    const kernel = await createTestKernel({ config: { logging: { transports: ['file'] } } });
    expect(names(kernel.plugins())).toContain('log-file');
    expect(kernel.plugins().find((info) => info.name === 'log-file')?.declaredAt).toBe('logging');
    kernel.log.info('written through the implied log-file plugin');
    await kernel.use(logFileServiceRef).flush();
    const file = join(kernel.tempDir, 'state', 'logs', 'moltbot.log');
    expect(readFileSync(file, 'utf8')).toContain('written through the implied log-file plugin');
  });

  it('a plugin that replaces the one a section loads takes its place (no duplicate error for a plugin the user never named)', async () => {
    const acmeLogs = definePlugin({ name: 'acme-logs', version: '1.0.0', replaces: ['log-file'], sections: ['logging'], setup() {} });
    const kernel = await createTestKernel({ config: { logging: { transports: ['file'] } }, plugins: [acmeLogs] });
    expect(names(kernel.plugins())).toContain('acme-logs');
    expect(names(kernel.plugins())).not.toContain('log-file');
  });

  it('a plugin that replaces an implied channel plugin takes its place', async () => {
    const telegramPro = definePlugin({ name: 'telegram-pro', version: '1.0.0', replaces: ['channel-telegram'], setup() {} });
    const kernel = await createTestKernel({ config: { channels: { telegram: { botToken: '123:abc' } } }, plugins: [telegramPro], start: false });
    const infos = await kernel.validate();
    expect(names(infos)).toContain('telegram-pro');
    expect(names(infos)).not.toContain('channel-telegram');
  });

  it('logging.level alone is the kernel\'s own: no log-file, no file', async () => {
    const kernel = await createTestKernel({ config: { logging: { level: 'debug' } } });
    expect(names(kernel.plugins())).not.toContain('log-file');
    expect(existsSync(join(kernel.tempDir, 'state', 'logs'))).toBe(false);
  });

  it('gateway.tailscale with a mode loads tailscale under the CLI\'s preset; mode "off" does not', async () => {
    const { dir } = useTempDir();
    const serve = cliKernel(dir, { gateway: { auth: { mode: 'token' }, tailscale: { mode: 'serve' } } });
    expect(names(await serve.validate())).toContain('tailscale');
    await serve.close();
    const off = cliKernel(dir, { gateway: { auth: { mode: 'token' }, tailscale: { mode: 'off' } } });
    expect(names(await off.validate())).not.toContain('tailscale');
    await off.close();
  });

  it('the guide\'s tools, agents and cache keys load tools-exec, tools-browser, resources and cache-redis', async () => {
    const { dir } = useTempDir();
    const kernel = cliKernel(dir, {
      gateway: { auth: { mode: 'token' } },
      tools: { exec: { maxProcesses: 4 }, browser: { maxInstances: 0 } },
      agents: { memoryLimit: 1024 },
      cache: { redis: { url: 'redis://127.0.0.1:6399' } },
    });
    const loaded = names(await kernel.validate());
    expect(loaded).toEqual(expect.arrayContaining(['tools-exec', 'tools-browser', 'resources', 'cache-redis']));
    await kernel.close();
  });

  it('a first-party tier named in cache.tiers loads its store plugin', () => {
    expect(IMPLIED_PLUGINS({ cache: { tiers: ['memory', 'redis'] } }, new Set())).toEqual([{ entry: 'cache-redis', optionsPath: 'cache.tiers[1]' }]);
    expect(IMPLIED_PLUGINS({ cache: { tiers: ['redis'] } }, new Set(['cache-redis']))).toEqual([]);
    expect(IMPLIED_PLUGINS({ cache: { tiers: ['acme'] } }, new Set())).toEqual([]);
  });

  it('a plugin listed in `plugins` that declares the section serves it instead of the first-party one', async () => {
    const logs = definePlugin({ name: 'acme-logs', version: '1.0.0', sections: ['logging'], setup() {} });
    const kernel = await createTestKernel({ config: { logging: { transports: ['file'] } }, plugins: [logs] });
    expect(names(kernel.plugins())).toEqual(['acme-logs']);
  });
});

describe('a section nothing reads is a config error naming the path and the fix', () => {
  it('preset "none" without the section\'s plugin', async () => {
    const { dir } = useTempDir();
    const kernel = cliKernel(dir, { preset: 'none', logging: { transports: ['file'] }, plugins: ['cache'] });
    await expect(kernel.validate()).rejects.toMatchObject({
      code: 'MOLT_ERR_CONFIG_INVALID',
      path: 'logging',
      message: expect.stringContaining('read by the "log-file" plugin, which is not loaded'),
      fix: expect.stringContaining('Add "log-file" to `plugins`'),
    });
    await kernel.close();
  });

  it('preset "none" without a preset plugin\'s section reader (cron)', async () => {
    const { dir } = useTempDir();
    const kernel = cliKernel(dir, { preset: 'none', cron: { enabled: true }, plugins: ['cache'] });
    await expect(kernel.validate()).rejects.toMatchObject({ code: 'MOLT_ERR_CONFIG_INVALID', path: 'cron', fix: expect.stringContaining('"cron"') });
    await kernel.close();
  });

  it('preset "none" with a channel section but not its channel plugin', async () => {
    const { dir } = useTempDir();
    const kernel = cliKernel(dir, { preset: 'none', channels: { irc: { server: 'irc.example.org', nick: 'molt' } }, plugins: ['channels'] });
    await expect(kernel.validate()).rejects.toMatchObject({ code: 'MOLT_ERR_CONFIG_INVALID', path: 'channels.irc', fix: expect.stringContaining('Add "channel-irc"') });
    await kernel.close();
  });

  it('a setting made by an environment variable (CLAWDBOT_AGENT_MODEL) asks for no plugin; the same key in the file does', async () => {
    const { dir, write } = useTempDir();
    const kernelFor = (env: Record<string, string>) => createKernel({
      cwd: dir, homeDir: dir, env: { HOME: dir, MOLTBOT_STATE_DIR: join(dir, 'state'), ...env },
      catalogue: FIRST_PARTY, preset: EMBEDDED_PRESET, impliedPlugins: IMPLIED_PLUGINS, sections: CONFIG_SECTIONS,
      logDestination: { write: () => undefined },
    });
    write('moltbot.config.json', JSON.stringify({ preset: 'none', plugins: ['cache'] }));
    const fromEnv = kernelFor({ CLAWDBOT_AGENT_MODEL: 'openai/gpt-4o' });
    expect(names(await fromEnv.validate())).toEqual(['cache']);
    expect(fromEnv.config.agent.model).toBe('openai/gpt-4o');
    await fromEnv.close();
    write('moltbot.config.json', JSON.stringify({ preset: 'none', plugins: ['cache'], agent: { model: 'openai/gpt-4o' } }));
    const fromFile = kernelFor({});
    await expect(fromFile.validate()).rejects.toMatchObject({ path: 'agent', fix: expect.stringContaining('Add "agent"') });
    await fromFile.close();
  });

  it('redis settings with no Redis-backed plugin name every plugin that could read them', async () => {
    const { dir } = useTempDir();
    const kernel = cliKernel(dir, { gateway: { auth: { mode: 'token' } }, redis: { url: 'redis://127.0.0.1:6399' } });
    await expect(kernel.validate()).rejects.toMatchObject({
      code: 'MOLT_ERR_CONFIG_INVALID', path: 'redis', fix: expect.stringContaining('"session-store-redis"'),
    });
    await kernel.close();
  });

  it('an unknown root key keeps its "did you mean" and says how a plugin would own it', async () => {
    const { dir } = useTempDir();
    const kernel = cliKernel(dir, { gateway: { auth: { mode: 'token' } }, loging: { level: 'info' } });
    await expect(kernel.validate()).rejects.toMatchObject({
      code: 'MOLT_ERR_CONFIG_INVALID',
      path: 'loging',
      message: expect.stringContaining('loging is not a known key; did you mean "logging"?'),
      fix: expect.stringContaining('`sections`'),
    });
    await kernel.close();
  });

  it('`moltbot config validate` refuses a third-party section whose plugin is not listed', async () => {
    const { dir, write } = useTempDir();
    write('moltbot.config.json', JSON.stringify({ gateway: { auth: { mode: 'token' } }, acme: { greeting: 'hi' } }));
    const result = await runCliCaptured(['config', 'validate', '--json'], { cwd: dir });
    expect(result.code).toBe(78);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, error: { path: 'acme' } });
  });
});

describe('a third-party plugin owns its root section', () => {
  let greeting: string | undefined;
  const acme = definePlugin({
    name: 'acme', version: '1.0.0', sections: ['acme'],
    setup(ctx) { greeting = (ctx.config as { acme?: { greeting?: string } }).acme?.greeting; },
  });

  it('listed, its section is accepted and reaches it through ctx.config', async () => {
    const kernel = await createTestKernel({ config: { acme: { greeting: 'hello' } }, plugins: [acme] });
    expect(kernel.config.acme).toEqual({ greeting: 'hello' });
    expect(Object.isFrozen(kernel.config.acme)).toBe(true);
    expect(greeting).toBe('hello');
  });

  it('not listed, its section is an error naming it', async () => {
    const kernel = await createTestKernel({ config: { acme: { greeting: 'hello' } }, start: false });
    await expect(kernel.validate()).rejects.toMatchObject({ code: 'MOLT_ERR_CONFIG_INVALID', path: 'acme', message: expect.stringContaining('acme is not a known key') });
  });

  it('a `sections` entry that is not a config path is refused where the plugin is defined', () => {
    expect(() => definePlugin({ name: 'bad', version: '1.0.0', sections: ['not a path'], setup() {} })).toThrow(/"sections" must be an array of config paths/);
  });
});

describe('a third-party section with a schema (sectionSchemas)', () => {
  const CANARY = 'canary-section-dsn-pass-6d1f0b';
  const schema = {
    type: 'object',
    additionalProperties: false,
    properties: { endpoint: { type: 'string', secret: true }, port: { type: 'integer', minimum: 1, default: 4000 }, label: { type: 'string' } },
  };
  const plugin = `export default {
  name: 'acme', version: '1.0.0', sections: ['acme'],
  sectionSchemas: { acme: ${JSON.stringify(schema)} },
  setup(ctx) { ctx.log.info({ seen: ctx.config.acme.endpoint }, 'acme read its section'); },
};
`;

  it('a section against its schema fails at load, before any setup, naming the path and the plugin', async () => {
    let setUp = false;
    const acme = definePlugin({ name: 'acme', version: '1.0.0', sections: ['acme'], sectionSchemas: { acme: schema }, setup() { setUp = true; } });
    const kernel = await createTestKernel({ config: { acme: { endpoint: 'x', port: 'eighty' } }, plugins: [acme], start: false });
    await expect(kernel.load()).rejects.toMatchObject({
      code: 'MOLT_ERR_CONFIG_INVALID',
      path: 'acme.port',
      plugin: 'acme',
      message: expect.stringContaining('read by plugin "acme"'),
    });
    expect(setUp).toBe(false);
  });

  it('the section reaches the plugin as written (no defaults filled in); absent, nothing is checked', async () => {
    const acme = definePlugin({ name: 'acme', version: '1.0.0', sections: ['acme'], sectionSchemas: { acme: schema }, setup() {} });
    const kernel = await createTestKernel({ config: { acme: { label: 'a' } }, plugins: [acme] });
    expect(kernel.config.acme).toEqual({ label: 'a' });
    const without = await createTestKernel({ config: {}, plugins: [acme] });
    expect(without.config.acme).toBeUndefined();
  });

  it('a field it marks secret never reaches `config print` or the log, whatever its name', async () => {
    const { dir, write } = useTempDir();
    write('acme.mjs', plugin);
    write('moltbot.config.json', JSON.stringify({
      preset: 'none', plugins: ['./acme.mjs'],
      acme: { endpoint: `postgres://db.internal/app?sslpassword=${CANARY}`, label: 'visible-label' },
    }));
    const printed = await runCliCaptured(['config', 'print'], { cwd: dir });
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('visible-label');
    expect(printed.stdout).not.toContain(CANARY);
    const kernel = await createTestKernel({ config: undefined, configFile: join(dir, 'moltbot.config.json'), cwd: dir });
    expect(JSON.stringify(kernel.logs)).not.toContain(CANARY);
    expect(kernel.logs.find((record) => record.msg === 'acme read its section')).toBeDefined();
    const info = await runCliCaptured(['plugins', 'info', 'acme'], { cwd: dir });
    expect(JSON.parse(info.stdout)).toMatchObject({ name: 'acme', sections: ['acme'], sectionSchemas: { acme: schema } });
  });

  it('a schema for a path the plugin does not declare in `sections` is refused where it is defined', () => {
    expect(() => definePlugin({ name: 'bad', version: '1.0.0', sections: ['acme'], sectionSchemas: { other: {} }, setup() {} })).toThrow(/"sectionSchemas" has "other", which is not in its "sections"/);
  });
});
