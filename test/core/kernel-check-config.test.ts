/** kernel.checkConfig(): another config's problems from a throwaway kernel, the running one untouched. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createKernel, definePlugin, isMoltbotError } from '../../app/index.ts';

const SDK = pathToFileURL(join(import.meta.dirname, '..', '..', 'app', 'index.ts')).href;

/** A project folder whose config loads a plugin by relative path; the kernel runs from another folder. */
function project(): { dir: string; cwd: string; env: Record<string, string | undefined> } {
  const root = mkdtempSync(join(tmpdir(), 'moltbot-check-config-'));
  const dir = join(root, 'project');
  const cwd = join(root, 'elsewhere');
  mkdirSync(join(dir, 'plugins'), { recursive: true });
  mkdirSync(cwd);
  writeFileSync(join(dir, 'plugins', 'limits.ts'), `
import { definePlugin } from ${JSON.stringify(SDK)};
export default definePlugin({
  name: 'limits', version: '1.0.0',
  schema: { type: 'object', additionalProperties: false, properties: { max: { type: 'integer' } } },
  check(_input, options) { if ((options.max ?? 0) > 10) throw new Error('max is over 10'); },
  setup() {},
});
`);
  writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({ plugins: [['./plugins/limits.ts', { max: 5 }]] }));
  return { dir, cwd, env: { HOME: root, MOLTBOT_STATE_DIR: join(root, 'state') } };
}

describe('kernel.checkConfig', () => {
  it('checks another config with the same plugins, resolving relative plugin paths where the running config file is', async () => {
    const { dir, cwd, env } = project();
    const registered = definePlugin<{ mode?: string }>({
      name: 'registered', version: '1.0.0',
      check(input) { if (input.config['agent']?.model === 'forbidden/model') throw new Error('that model is forbidden'); },
      setup() {},
    });
    const kernel = createKernel({ configFile: join(dir, 'moltbot.config.json'), cwd, env, logLevel: 'silent' });
    kernel.register(registered);
    await kernel.load();
    const running = structuredClone(kernel.config) as Record<string, any>;
    expect(await kernel.checkConfig(running)).toEqual([]);

    const over = await kernel.checkConfig({ ...running, plugins: [['./plugins/limits.ts', { max: 11 }]] });
    expect(over).toHaveLength(1);
    expect(over[0]).toMatchObject({ code: 'MOLT_ERR_PLUGIN_SETUP_FAILED', plugin: 'limits', path: 'plugins[0].options', message: expect.stringContaining('max is over 10') });

    // A plugin the running kernel got from register() is checked too.
    const forbidden = await kernel.checkConfig({ ...running, agent: { model: 'forbidden/model' } });
    expect(forbidden.map((problem) => problem.message)).toEqual([expect.stringContaining('that model is forbidden')]);

    // Load errors are problems as well, naming the edited config.
    const invalid = await kernel.checkConfig({ ...running, plugins: [['./plugins/limits.ts', { max: 'many' }]] });
    expect(invalid).toHaveLength(1);
    expect(isMoltbotError(invalid[0], 'MOLT_ERR_PLUGIN_OPTIONS_INVALID')).toBe(true);
    expect(invalid[0]).toMatchObject({ path: 'plugins[0].options', message: expect.stringContaining('options.max must be integer') });
    const root = await kernel.checkConfig({ ...running, gateway: { port: 'x' } });
    expect(root.map((problem) => problem.message)).toEqual([expect.stringMatching(/^Invalid config at the edited config:[\s\S]*gateway\.port/)]);

    // The running kernel kept its own config and starts as before.
    expect(kernel.config).toEqual(running);
    expect(kernel.phase).toBe('registering');
    await kernel.start();
    expect(kernel.phase).toBe('ready');
    await kernel.close();
  });

  it('never imports a plugin file the running kernel does not load (a client may have sent the config)', async () => {
    const { dir, cwd, env } = project();
    // As a tool with write access to a folder could leave it: its module body would run on import.
    writeFileSync(join(dir, 'plugins', 'dropped.mjs'), `globalThis.droppedPluginRan = true;\nexport default { name: 'dropped', version: '1.0.0', setup() {} };\n`);
    const kernel = createKernel({ configFile: join(dir, 'moltbot.config.json'), cwd, env, logLevel: 'silent' });
    await kernel.load();
    const running = structuredClone(kernel.config) as Record<string, any>;
    for (const reference of ['./plugins/dropped.mjs', join(dir, 'plugins', 'dropped.mjs'), pathToFileURL(join(dir, 'plugins', 'dropped.mjs')).href]) {
      const problems = await kernel.checkConfig({ ...running, plugins: [...running['plugins'], reference] });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ code: 'MOLT_ERR_PLUGIN_DENIED', path: 'plugins[1]', message: expect.stringContaining('not loaded by the running kernel') });
    }
    expect((globalThis as { droppedPluginRan?: boolean }).droppedPluginRan).toBeUndefined();
    // The file the running config loads is checked as before.
    expect(await kernel.checkConfig(running)).toEqual([]);
    await kernel.close();
  });

  it('`config validate` names the options of a plugin whose check fails', async () => {
    const { dir, cwd, env } = project();
    writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({ plugins: [['./plugins/limits.ts', { max: 12 }]] }));
    const kernel = createKernel({ configFile: join(dir, 'moltbot.config.json'), cwd, env, logLevel: 'silent' });
    const problems = await kernel.problems();
    expect(problems.map((problem) => (problem as { path?: string }).path)).toEqual(['plugins[0].options']);
    await kernel.close();
  });
});
