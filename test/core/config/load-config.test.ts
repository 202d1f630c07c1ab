import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type LoadConfigOptions } from '../../../core/config/load-config.ts';
import { isMoltbotError, type MoltbotError } from '../../../core/errors.ts';
import { tempProject, type TempProject } from './temp-project.ts';

const CANARY = 'sk-canary-9d41c7e2';

function options(project: TempProject, extra: Partial<LoadConfigOptions> = {}): LoadConfigOptions {
  return { cwd: project.dir, env: {}, homeDir: project.home, ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<MoltbotError> {
  try {
    await promise;
  } catch (error) {
    if (isMoltbotError(error)) return error;
    throw error;
  }
  throw new Error('expected loadConfig to reject');
}

describe('loadConfig: discovery in cwd', () => {
  it.each([
    ['package.json', JSON.stringify({ name: 'app', moltbot: { gateway: { port: 1001 } } })],
    ['.moltbotrc', 'gateway:\n  port: 1001\n'],
    ['.moltbotrc.json', '{ "gateway": { "port": 1001 } }'],
    ['.moltbotrc.js', 'export default { gateway: { port: 1001 } };\n'],
    ['.moltbotrc.mjs', 'export default { gateway: { port: 1001 } };\n'],
    ['.moltbotrc.ts', 'const port: number = 1001;\nexport default { gateway: { port } };\n'],
    ['.moltbotrc.mts', 'const port: number = 1001;\nexport default { gateway: { port } };\n'],
    ['moltbot.config.ts', 'const port: number = 1001;\nexport default { gateway: { port } };\n'],
    ['moltbot.config.mts', 'const port: number = 1001;\nexport default { gateway: { port } };\n'],
    ['moltbot.config.js', 'export default { gateway: { port: 1001 } };\n'],
    ['moltbot.config.mjs', 'export default { gateway: { port: 1001 } };\n'],
    ['moltbot.config.json', '{ "gateway": { "port": 1001 } }'],
    // The README promises `.moltbotrc*`: the YAML spellings are found too, not silently ignored.
    ['.moltbotrc.yaml', 'gateway:\n  port: 1001\n'],
    ['.moltbotrc.yml', 'gateway:\n  port: 1001\n'],
    ['moltbot.config.yaml', 'gateway:\n  port: 1001\n'],
    ['moltbot.config.yml', 'gateway:\n  port: 1001\n'],
  ])('finds %s', async (name, content) => {
    const project = await tempProject();
    const file = await project.write(name, content);
    const loaded = await loadConfig(options(project));
    expect(loaded.config).toEqual({ gateway: { port: 1001 } });
    expect(loaded.file).toBe(file);
  });

  it('reads .moltbotrc as JSON too', async () => {
    const project = await tempProject();
    await project.write('.moltbotrc', '{ "agent": { "model": "openai/gpt-4o" } }');
    expect((await loadConfig(options(project))).config).toEqual({ agent: { model: 'openai/gpt-4o' } });
  });

  it('skips a package.json without a "moltbot" key and takes the next place', async () => {
    const project = await tempProject();
    await project.write('package.json', JSON.stringify({ name: 'app', version: '1.0.0' }));
    const file = await project.write('moltbot.config.json', '{ "gateway": { "port": 1002 } }');
    const loaded = await loadConfig(options(project));
    expect(loaded).toMatchObject({ file, config: { gateway: { port: 1002 } } });
  });

  it('takes the first place in order when several files exist', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.json', '{ "gateway": { "port": 2 } }');
    const rc = await project.write('.moltbotrc.json', '{ "gateway": { "port": 1 } }');
    expect(await loadConfig(options(project))).toMatchObject({ file: rc, config: { gateway: { port: 1 } } });
  });

  it('searches cwd only, not its parents', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.json', '{ "gateway": { "port": 1 } }');
    const nested = path.join(project.dir, 'sub');
    await project.write('sub/readme.txt', 'no config here');
    const loaded = await loadConfig(options(project, { cwd: nested }));
    expect(loaded.file).toBeUndefined();
    expect(loaded.config).toEqual({});
  });

  it('returns an empty config with the state dir when there is no config at all', async () => {
    const project = await tempProject();
    expect(await loadConfig(options(project))).toEqual({ config: {}, stateDir: project.stateDir, envOverrides: [] });
  });

  it('treats an empty config file as an empty config', async () => {
    const project = await tempProject();
    const file = await project.write('moltbot.config.json', '  \n');
    expect(await loadConfig(options(project))).toMatchObject({ file, config: {} });
  });
});

describe('loadConfig: module configs', () => {
  it('awaits a promise export', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.mjs', 'export default Promise.resolve({ agent: { model: "a/b" } });\n');
    expect((await loadConfig(options(project))).config).toEqual({ agent: { model: 'a/b' } });
  });

  it('calls a function export with env, cwd and mode, and awaits its result', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.mjs', [
      'export default async ({ env, cwd, mode }) => ({',
      '  agent: { model: env.MODEL },',
      '  seen: { cwd, mode, keys: Object.keys(env).sort() },',
      '});',
    ].join('\n'));
    const loaded = await loadConfig(options(project, { env: { MODEL: 'openai/gpt-4o', OTHER: '1' }, mode: 'development' }));
    expect(loaded.config).toEqual({ agent: { model: 'openai/gpt-4o' }, seen: { cwd: project.dir, mode: 'development', keys: ['MODEL', 'OTHER'] } });
  });

  it('defaults mode to production', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.mjs', 'export default ({ mode }) => ({ mode });\n');
    expect((await loadConfig(options(project))).config).toEqual({ mode: 'production' });
  });

  it('keeps plugin objects from a module config by reference', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.mjs', [
      'export const plugin = { name: "inline", version: "1.0.0", setup() {} };',
      'export default { plugins: [plugin, ["cache-redis", { url: "${REDIS_URL}" }]] };',
    ].join('\n'));
    const loaded = await loadConfig(options(project, { env: { REDIS_URL: 'redis://r:6379' } }));
    const plugins = loaded.config.plugins as unknown[];
    expect(plugins[1]).toEqual(['cache-redis', { url: 'redis://r:6379' }]);
    expect(typeof (plugins[0] as { setup: unknown }).setup).toBe('function');
  });

  it('re-reads an edited config instead of returning the cached module', async () => {
    const project = await tempProject();
    const file = await project.write('moltbot.config.ts', 'export default { gateway: { port: 1111 } };\n');
    expect((await loadConfig(options(project))).config).toEqual({ gateway: { port: 1111 } });
    // Same size and possibly the same mtime: only the content tells the versions apart.
    await writeFile(file, 'export default { gateway: { port: 2222 } };\n');
    expect((await loadConfig(options(project))).config).toEqual({ gateway: { port: 2222 } });
    await writeFile(file, 'export default { gateway: { port: 1111 } };\n');
    expect((await loadConfig(options(project))).config).toEqual({ gateway: { port: 1111 } });
  });

  it('re-runs a function config on every load', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.mjs', 'let n = 0;\nexport default () => ({ n: ++n, fresh: {} });\n');
    const first = await loadConfig(options(project));
    const second = await loadConfig(options(project));
    expect([first.config.n, second.config.n]).toEqual([1, 2]);
  });

  it('does not let one load\'s result change the next one (module objects are never mutated)', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.mjs', 'export default { gateway: { port: 1 } };\n');
    const first = await loadConfig(options(project, { env: { MOLTBOT_GATEWAY_PORT: '9' } }));
    (first.config.gateway as Record<string, unknown>).bind = 'lan';
    expect((await loadConfig(options(project))).config).toEqual({ gateway: { port: 1 } });
  });

  it('reports a missing default export', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.mjs', 'export const config = { a: 1 };\n');
    const error = await rejection(loadConfig(options(project)));
    expect(project.scrub(error.describe())).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_LOAD: <tmp>/project/moltbot.config.mjs has no default export
        at file <tmp>/project/moltbot.config.mjs
        fix: Export the config as the default: \`export default defineConfig({ … })\`."
    `);
  });

  it('reports a function config that throws, with the error as cause', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.mjs', 'export default () => { throw new RangeError("no model chosen"); };\n');
    const error = await rejection(loadConfig(options(project)));
    expect(error.code).toBe('MOLT_ERR_CONFIG_LOAD');
    expect(project.scrub(error.message)).toBe('<tmp>/project/moltbot.config.mjs: the exported config function failed with RangeError');
    expect((error.cause as Error).message).toBe('no model chosen');
  });

  it('rejects a function config that returns nothing (an arrow function with a block body)', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.mjs', 'export default () => { gateway: { port: 1 } };\n');
    const error = await rejection(loadConfig(options(project)));
    expect(project.scrub(error.describe())).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_INVALID: <tmp>/project/moltbot.config.mjs: the exported config function produced undefined instead of a config object
        at file <tmp>/project/moltbot.config.mjs
        fix: Return the object from the function; an arrow function returns an object literal only in parentheses: \`() => ({ … })\`."
    `);
  });

  it('reports a module whose top level throws', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.mjs', 'throw new TypeError("bad top level");\n');
    const error = await rejection(loadConfig(options(project)));
    expect(error.code).toBe('MOLT_ERR_CONFIG_LOAD');
    expect(error.file).toBe(path.join(project.dir, 'moltbot.config.mjs'));
    expect((error.cause as Error).message).toBe('bad top level');
  });

  it.each([
    ['an array', '[1, 2]'],
    ['null', 'null'],
    ['a string', '"gateway"'],
  ])('rejects a config that is %s', async (got, json) => {
    const project = await tempProject();
    const file = await project.write('moltbot.config.json', json);
    const error = await rejection(loadConfig(options(project, { configFile: file })));
    expect(error.code).toBe('MOLT_ERR_CONFIG_INVALID');
    expect(error.file).toBe(file);
    expect(error.message).toMatch(got === 'null' ? /contains no Moltbot config|got null/ : new RegExp(`got ${got}`));
  });
});

describe('loadConfig: explicit config file', () => {
  it('loads configFile (relative to cwd) and skips the search', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.json', '{ "from": "search" }');
    const file = await project.write('conf/prod.json', '{ "from": "explicit" }');
    const loaded = await loadConfig(options(project, { configFile: 'conf/prod.json' }));
    expect(loaded).toMatchObject({ file, config: { from: 'explicit' } });
  });

  it('takes MOLTBOT_CONFIG from env when configFile is not given, with ~ expanded', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.json', '{ "from": "search" }');
    const file = path.join(project.home, 'moltbot.ts');
    await writeFile(file, 'export default { from: "env" };\n');
    const loaded = await loadConfig(options(project, { env: { MOLTBOT_CONFIG: '~/moltbot.ts' } }));
    expect(loaded).toMatchObject({ file, config: { from: 'env' } });
  });

  it('prefers configFile over MOLTBOT_CONFIG', async () => {
    const project = await tempProject();
    const file = await project.write('a.json', '{ "from": "option" }');
    await project.write('b.json', '{ "from": "env" }');
    const loaded = await loadConfig(options(project, { configFile: file, env: { MOLTBOT_CONFIG: 'b.json' } }));
    expect(loaded.config).toEqual({ from: 'option' });
  });

  it('fails when the explicit file does not exist', async () => {
    const project = await tempProject();
    const error = await rejection(loadConfig(options(project, { configFile: 'missing.json' })));
    expect(project.scrub(error.describe())).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_LOAD: Config file <tmp>/project/missing.json does not exist
        at file <tmp>/project/missing.json
        fix: Check the path given with --config or MOLTBOT_CONFIG.
        cause: Error: ENOENT: no such file or directory, open '<tmp>/project/missing.json'"
    `);
  });

  it('fails when an explicit package.json has no "moltbot" key', async () => {
    const project = await tempProject();
    const file = await project.write('package.json', '{ "name": "app" }');
    const error = await rejection(loadConfig(options(project, { configFile: file })));
    expect(error.code).toBe('MOLT_ERR_CONFIG_INVALID');
    expect(project.scrub(error.message)).toBe('<tmp>/project/package.json contains no Moltbot config');
  });
});

describe('loadConfig: seed file <stateDir>/clawdbot.json', () => {
  it('merges the seed under the project config (project wins)', async () => {
    const project = await tempProject();
    const seedFile = await project.writeSeed(JSON.stringify({
      agent: { model: 'seed/model', workspace: '~/clawd' },
      gateway: { port: 18789, bind: 'loopback', auth: { mode: 'password', password: 'seed-pw' } },
      agents: { defaults: { sandbox: { allowlist: ['a', 'b'] } } },
    }));
    const file = await project.write('moltbot.config.json', JSON.stringify({
      agent: { model: 'project/model' },
      gateway: { auth: { password: 'project-pw' } },
      agents: { defaults: { sandbox: { allowlist: ['c'] } } },
    }));
    const loaded = await loadConfig(options(project));
    expect(loaded).toEqual({
      config: {
        agent: { model: 'project/model', workspace: '~/clawd' },
        gateway: { port: 18789, bind: 'loopback', auth: { mode: 'password', password: 'project-pw' } },
        agents: { defaults: { sandbox: { allowlist: ['c'] } } },
      },
      file,
      seedFile,
      stateDir: project.stateDir,
      envOverrides: [],
    });
  });

  it('uses the seed alone when there is no project config', async () => {
    const project = await tempProject();
    const seedFile = await project.writeSeed('{ "gateway": { "port": 18790 } }');
    expect(await loadConfig(options(project))).toEqual({ config: { gateway: { port: 18790 } }, seedFile, stateDir: project.stateDir, envOverrides: [] });
  });

  it('finds the seed under MOLTBOT_STATE_DIR', async () => {
    const project = await tempProject();
    const stateDir = path.join(project.dir, 'state');
    await project.write('state/clawdbot.json', '{ "from": "state dir" }');
    const loaded = await loadConfig(options(project, { env: { MOLTBOT_STATE_DIR: stateDir, CLAWDBOT_STATE_DIR: project.stateDir } }));
    expect(loaded).toMatchObject({ stateDir, seedFile: path.join(stateDir, 'clawdbot.json'), config: { from: 'state dir' } });
  });

  it('reports a seed syntax error with the seed file, line and column', async () => {
    const project = await tempProject();
    await project.writeSeed('{\n  "gateway": {\n    "port": 18789,\n  }\n}\n');
    const error = await rejection(loadConfig(options(project)));
    expect(error.file).toBe(path.join(project.stateDir, 'clawdbot.json'));
    expect(project.scrub(error.message)).toBe("Invalid JSON in <tmp>/home/.clawdbot/clawdbot.json at line 4, column 3: trailing comma before '}' (JSON allows none)");
  });

  it('fails on a seed path that is a directory', async () => {
    const project = await tempProject();
    await project.writeSeed('{}');
    const { mkdir, rm } = await import('node:fs/promises');
    const seed = path.join(project.stateDir, 'clawdbot.json');
    await rm(seed);
    await mkdir(seed);
    const error = await rejection(loadConfig(options(project)));
    expect(error.code).toBe('MOLT_ERR_CONFIG_LOAD');
    expect(project.scrub(error.message)).toBe('Config file <tmp>/home/.clawdbot/clawdbot.json is a directory');
  });
});

describe('loadConfig: ${VAR} substitution and env overrides', () => {
  it('substitutes both files and applies env overrides on top', async () => {
    const project = await tempProject();
    await project.writeSeed('{ "providers": { "anthropic": { "apiKey": "${ANTHROPIC_API_KEY}" } }, "gateway": { "port": 1 } }');
    await project.write('moltbot.config.json', '{ "gateway": { "port": 2, "auth": { "password": "${GW_PASSWORD}" } }, "agent": { "model": "file/model" } }');
    const loaded = await loadConfig(options(project, {
      env: { ANTHROPIC_API_KEY: 'sk-ant', GW_PASSWORD: 'file-pw', CLAWDBOT_GATEWAY_PORT: '3', MOLTBOT_GATEWAY_PORT: '4', CLAWDBOT_AGENT_MODEL: 'env/model' },
    }));
    expect(loaded.config).toEqual({
      providers: { anthropic: { apiKey: 'sk-ant' } },
      gateway: { port: 4, auth: { password: 'file-pw' } },
      agent: { model: 'env/model' },
    });
    expect(loaded.envOverrides).toEqual([
      { variable: 'MOLTBOT_GATEWAY_PORT', path: 'gateway.port' },
      { variable: 'CLAWDBOT_AGENT_MODEL', path: 'agent.model' },
    ]);
  });

  it('substitutes strings returned by a function config', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.mjs', 'export default () => ({ cache: { redis: { url: "${REDIS_URL}" } } });\n');
    const loaded = await loadConfig(options(project, { env: { REDIS_URL: 'redis://cache:6379' } }));
    expect(loaded.config).toEqual({ cache: { redis: { url: 'redis://cache:6379' } } });
  });

  it('names the project file and the path for a missing variable', async () => {
    const project = await tempProject();
    await project.writeSeed('{ "gateway": { "port": 1 } }');
    await project.write('moltbot.config.json', '{ "providers": { "anthropic": { "apiKey": "${ANTHROPIC_API_KEY}" } } }');
    const error = await rejection(loadConfig(options(project)));
    expect(project.scrub(error.describe())).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_ENV_MISSING: Environment variable ANTHROPIC_API_KEY is not set (referenced as \${ANTHROPIC_API_KEY} at providers.anthropic.apiKey in <tmp>/project/moltbot.config.json)
        at file <tmp>/project/moltbot.config.json, path providers.anthropic.apiKey
        fix: Export ANTHROPIC_API_KEY before starting, or write $\${ANTHROPIC_API_KEY} for a literal "\${ANTHROPIC_API_KEY}"."
    `);
  });

  it('names the seed file for a reference in the seed', async () => {
    const project = await tempProject();
    await project.writeSeed('{ "channels": { "telegram": { "botToken": "${TELEGRAM_BOT_TOKEN}" } } }');
    await project.write('moltbot.config.json', '{}');
    const error = await rejection(loadConfig(options(project, { env: { TELEGRAM_BOT_TOKEN: '' } })));
    expect(error.code).toBe('MOLT_ERR_CONFIG_ENV_MISSING');
    expect(error.file).toBe(path.join(project.stateDir, 'clawdbot.json'));
    expect(error.path).toBe('channels.telegram.botToken');
    expect(error.message).toContain('TELEGRAM_BOT_TOKEN is empty');
  });

  it('keeps an escaped $${VAR} literal', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.json', '{ "note": "$${HOME} stays" }');
    expect((await loadConfig(options(project, { env: { HOME: '/root' } }))).config).toEqual({ note: '${HOME} stays' });
  });

  it('fails on an invalid port variable and names it', async () => {
    const project = await tempProject();
    const error = await rejection(loadConfig(options(project, { env: { CLAWDBOT_GATEWAY_PORT: 'eighty' } })));
    expect(error.code).toBe('MOLT_ERR_CONFIG_INVALID');
    expect(error.message).toContain('CLAWDBOT_GATEWAY_PORT');
  });

  it('never reports override values', async () => {
    const project = await tempProject();
    const loaded = await loadConfig(options(project, { env: { MOLTBOT_GATEWAY_PASSWORD: CANARY } }));
    expect(loaded.config).toEqual({ gateway: { auth: { password: CANARY } } });
    expect(JSON.stringify(loaded.envOverrides)).not.toContain(CANARY);
  });
});

describe('loadConfig: prototype keys (CF-10)', () => {
  it('rejects __proto__ in the project file and names file and path', async () => {
    const project = await tempProject();
    const file = await project.write('moltbot.config.json', '{ "gateway": { "__proto__": { "port": 1 } } }');
    const error = await rejection(loadConfig(options(project)));
    expect(error).toMatchObject({ code: 'MOLT_ERR_CONFIG_INVALID', file, path: 'gateway.__proto__' });
    expect(({} as Record<string, unknown>).port).toBeUndefined();
  });

  it('rejects constructor in the seed file', async () => {
    const project = await tempProject();
    await project.writeSeed('{ "agents": { "defaults": { "constructor": {} } } }');
    const error = await rejection(loadConfig(options(project)));
    expect(error).toMatchObject({ code: 'MOLT_ERR_CONFIG_INVALID', file: path.join(project.stateDir, 'clawdbot.json'), path: 'agents.defaults.constructor' });
  });

  it('rejects prototype keys returned by a module config', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.mjs', 'export default { plugins: [["cache-redis", { prototype: {} }]] };\n');
    const error = await rejection(loadConfig(options(project)));
    expect(error).toMatchObject({ code: 'MOLT_ERR_CONFIG_INVALID', path: 'plugins[0][1].prototype' });
  });

  it('rejects a YAML __proto__ key', async () => {
    const project = await tempProject();
    await project.write('.moltbotrc', '__proto__:\n  isAdmin: true\n');
    const error = await rejection(loadConfig(options(project)));
    expect(error).toMatchObject({ code: 'MOLT_ERR_CONFIG_INVALID', path: '__proto__' });
  });
});

describe('loadConfig: syntax errors (CF-03)', () => {
  it('names file, line and column of a JSON error', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.json', '{\n  "gateway": {\n    "port": 18789\n    "bind": "loopback"\n  }\n}\n');
    const error = await rejection(loadConfig(options(project)));
    expect(error.data).toEqual({ line: 4, column: 5 });
    expect(project.scrub(error.describe())).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_LOAD: Invalid JSON in <tmp>/project/moltbot.config.json at line 4, column 5: expected ',' or '}' after a property value, found "\\""
        at file <tmp>/project/moltbot.config.json
        fix: Fix the JSON syntax at line 4, column 5 of moltbot.config.json, or remove the file."
    `);
  });

  it.each([
    ['a bad literal', `{\n  "apiKey": "${CANARY}",\n  "enabled": tru\n}`, 3, 14, 'expected a value, found "t"'],
    ['an unquoted value', `{ "apiKey": ${CANARY} }`, 1, 13, 'expected a value, found "s"'],
    ['a single-quoted string', `{ "apiKey": '${CANARY}' }`, 1, 13, 'strings must use double quotes'],
    ['a missing comma after a secret', `{ "apiKey": "${CANARY}" "x": 1 }`, 1, 34, 'expected \',\' or \'}\' after a property value, found "\\""'],
    ['an unterminated string', `{ "apiKey": "${CANARY}`, 1, 13, 'unterminated string (it starts here)'],
    ['a raw line break in a string', `{ "apiKey": "${CANARY}\n" }`, 1, 32, 'control character in string (write line breaks and tabs as \\n and \\t)'],
    ['text after the value', `{ "a": 1 } ${CANARY}`, 1, 12, 'unexpected "s" after the JSON value'],
    ['a trailing comma in an array', '{ "a": [1, 2, ] }', 1, 15, "trailing comma before ']' (JSON allows none)"],
    ['an unquoted key', `{ ${CANARY}: 1 }`, 1, 3, 'expected a property name in double quotes, found "s"'],
    ['a bad escape', '{ "a": "\\x41" }', 1, 10, 'invalid escape sequence in string'],
    ['a bad unicode escape', '{ "a": "\\u12G4" }', 1, 13, 'invalid \\u escape in string (4 hex digits expected)'],
    ['a no-break space', '{ "a":\u00a01 }', 1, 7, 'expected a value, found U+00A0'],
    ['a bad number', '{ "a": -x }', 1, 9, 'no digit after the minus sign'],
    ['a number without decimals', '{ "a": 1. }', 1, 10, 'no digit after the decimal point'],
    ['a missing colon', '{ "a" 1 }', 1, 7, 'expected \':\' after a property name, found "1"'],
    ['nothing but a brace', '{', 1, 2, 'expected a property name in double quotes, found end of input'],
  ])('locates %s without echoing the file', async (_name, json, line, column, reason) => {
    const project = await tempProject();
    const file = await project.write('moltbot.config.json', json);
    const error = await rejection(loadConfig(options(project)));
    expect(error.code).toBe('MOLT_ERR_CONFIG_LOAD');
    expect(error.file).toBe(file);
    expect(error.message).toBe(`Invalid JSON in ${file} at line ${line}, column ${column}: ${reason}`);
    expect(error.describe()).not.toContain(CANARY);
    expect(error.cause).toBeUndefined();
  });

  it.each([
    '{\n  "a": 1,\n  "b": 2\n  "c": 3\n}',
    '{"a":1', '{"a":1}}', '{"a":1,}', '{"a" 1}', '{"a": "x\ny"}', '{"a": "\\x"}', '{"a": "\\u12G4"}',
    '[1 2]', '{"a": 01}', '{"a": 1.}', '{"a": -}', '{"a": 1e}', '{,}', '{"a": "b" , "c" }', '\r\n\r\n  {"a":\r\n 1 2}',
  ])('agrees with V8 on the position V8 reports for %j', async (json) => {
    const v8 = (() => {
      try {
        JSON.parse(json);
      } catch (error) {
        return /\(line (\d+) column (\d+)\)/.exec((error as Error).message);
      }
      return null;
    })();
    const project = await tempProject();
    await project.write('moltbot.config.json', json);
    const error = await rejection(loadConfig(options(project)));
    expect(v8).not.toBeNull();
    expect(error.data).toEqual({ line: Number(v8![1]), column: Number(v8![2]) });
  });

  it('accepts a UTF-8 byte order mark', async () => {
    const project = await tempProject();
    await project.write('moltbot.config.json', '\uFEFF{ "a": 1 }');
    expect((await loadConfig(options(project))).config).toEqual({ a: 1 });
  });

  it('names the package.json when it is broken', async () => {
    const project = await tempProject();
    const file = await project.write('package.json', '{ "name": "app", }');
    const error = await rejection(loadConfig(options(project)));
    expect(error).toMatchObject({ code: 'MOLT_ERR_CONFIG_LOAD', file, data: { line: 1, column: 18 } });
  });

  it('names file, line and column of a YAML error without echoing the file', async () => {
    const project = await tempProject();
    await project.write('.moltbotrc', `gateway:\n  auth:\n    password: ${CANARY}\n   port: 1\n`);
    const error = await rejection(loadConfig(options(project)));
    expect(error.describe()).not.toContain(CANARY);
    expect(project.scrub(error.describe())).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_LOAD: Invalid YAML in <tmp>/project/.moltbotrc at line 4, column 4: bad indentation of a mapping entry
        at file <tmp>/project/.moltbotrc
        fix: Fix the syntax error at the given position, or remove the file."
    `);
  });
});
