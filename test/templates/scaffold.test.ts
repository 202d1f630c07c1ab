/**
 * Every finished template, used the way a new user would: `moltbot plugin create` with the real
 * CLI, a real `npm install` (offline: the scaffolded lockfile's packages come from npm's cache,
 * moltbot is linked to this checkout), `npm run typecheck`, `npm test`, then loading the plugin
 * into a real kernel through moltbot.config.ts.
 */
import { mkdirSync, readdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTemplates } from '../../app/cli/plugin-create.ts';
import { REPO, spawnCli } from '../helpers/cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { npm } from '../package/npm.ts';

/** The moltbot.config.ts a user writes to load each template; a new template adds its own. */
const CONFIGS: Record<string, (reference: string, name: string) => object> = {
  plugin: (reference) => ({ plugins: [[reference, { greeting: 'Hi' }]] }),
  'alert-sink': (reference) => ({ plugins: [[reference, { url: 'http://127.0.0.1:9/hook', minSeverity: 'critical' }]] }),
  'cache-store': (reference, name) => ({ cache: { tiers: ['memory', name] }, plugins: ['cache', 'cache-memory', reference] }),
  // The agent and sandbox it depends on come with the embedded preset.
  tool: (reference) => ({ plugins: [[reference, { maxChars: 5000 }]] }),
  // Named channel-<id>, it serves channels.<id> (its common keys), with its platform keys as options.
  channel: (reference) => ({ channels: { mine: { dmPolicy: 'pairing' } }, plugins: [[reference, { url: 'http://127.0.0.1:9/api' }]] }),
};

/** What each template is scaffolded as (a channel plugin is named channel-<id>). */
const nameFor = (template: string) => (template === 'channel' ? 'channel-mine' : `my-${template}`);

function writeConfig(dir: string, config: object): void {
  writeFileSync(join(dir, 'moltbot.config.ts'), `import { defineConfig } from 'moltbot';\n\nexport default defineConfig(${JSON.stringify(config)});\n`);
}

async function listedRow(cwd: string, name: string) {
  const listed = await spawnCli(['plugins', 'list', '--json'], { cwd });
  expect(listed.code, listed.stderr).toBe(0);
  return (JSON.parse(listed.stdout) as { name: string }[]).find((plugin) => plugin.name === name);
}


describe('templates', () => {
  it('are all scaffolded and tested below', () => {
    expect(listTemplates()).toEqual(Object.keys(CONFIGS).sort());
  });

  it.each(listTemplates())('%s: scaffolds, type-checks, passes its own tests and loads into a kernel', async (template) => {
    const { dir: cwd } = useTempDir('moltbot-template-');
    const name = nameFor(template);
    const created = await spawnCli(['plugin', 'create', name, '--template', template, '--yes'], { cwd });
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Created moltbot-plugin-${name} from template "${template}" in ${name}`);
    const dir = join(cwd, name);
    expect(readdirSync(dir).sort()).toEqual([
      '.gitignore', 'README.md', 'index.test.ts', 'index.ts', 'moltbot-plugin.json', 'package-lock.json', 'package.json', 'schema.json', 'tsconfig.json',
    ]);
    for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file), 'utf8')).not.toMatch(/__[A-Z_]+__/);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; peerDependencies: Record<string, string> };
    const own = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(pkg.name).toBe(`moltbot-plugin-${name}`);
    expect(pkg.peerDependencies).toEqual({ moltbot: `^${own.version}` });

    const installed = await npm(['install'], { cwd: dir, timeoutMs: 60_000 });
    expect(installed.code, installed.stderr).toBe(0);
    // moltbot is this checkout, linked; the rest are real copies from npm's cache.
    expect(realpathSync(join(dir, 'node_modules', 'moltbot'))).toBe(realpathSync(REPO));
    expect(realpathSync(join(dir, 'node_modules', 'vitest')).startsWith(realpathSync(dir))).toBe(true);

    const typecheck = await npm(['run', '--silent', 'typecheck'], { cwd: dir, timeoutMs: 30_000 });
    expect(typecheck.stdout + typecheck.stderr).toBe('');
    expect(typecheck.code).toBe(0);

    const tests = await npm(['test', '--silent', '--', '--reporter=dot'], { cwd: dir, env: { NO_COLOR: '1' }, timeoutMs: 60_000 });
    expect(tests.code, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/Tests\s+\S*\d+ passed/);

    writeConfig(dir, CONFIGS[template]!('./index.ts', name));
    expect(await listedRow(dir, name)).toMatchObject({ name, version: '0.1.0', origin: 'path', status: 'set-up' });

    // The manifest answers `plugins info` without the plugin's code being imported.
    const info = await spawnCli(['plugins', 'info', name], { cwd: dir });
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ name, version: '0.1.0', kernel: `^${own.version}`, origin: 'path', codeLoaded: false });

    // Published: built to JS, installed as moltbot-plugin-<name>, named by its short name.
    const build = await npm(['run', '--silent', 'build'], { cwd: dir, timeoutMs: 30_000 });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    const app = join(cwd, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(REPO, join(app, 'node_modules', 'moltbot'), 'dir');
    symlinkSync(dir, join(app, 'node_modules', `moltbot-plugin-${name}`), 'dir');
    writeConfig(app, CONFIGS[template]!(name, name));
    expect(await listedRow(app, name)).toMatchObject({ name, origin: 'package', status: 'set-up' });
  }, 150_000);
});
