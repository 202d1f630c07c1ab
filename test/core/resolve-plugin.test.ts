import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../core/plugin.ts';
import { locatePlugin, packageNamesFor, readManifest, resolveEntry, type PluginPolicy, type ResolveOptions } from '../../core/resolve-plugin.ts';
import { validateConfig } from '../../core/kernel-validation.ts';
import { KERNEL_VERSION } from '../../core/version.ts';
import { runCliCaptured } from '../helpers/cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/** A plugin module whose import would be noticed: it throws. */
const EXPLODES = "throw new Error('plugin code was executed');\n";
const pluginSource = (name: string) => `export default { name: '${name}', version: '1.2.3', setup() {} };\n`;
const manifest = (fields: Record<string, unknown>) => JSON.stringify({ version: '1.2.3', entry: './index.js', ...fields });

function project() {
  const temp = useTempDir('moltbot-resolve-');
  const pkg = (name: string, files: Record<string, string>) => {
    temp.write(`node_modules/${name}/package.json`, JSON.stringify({ name, type: 'module', exports: { '.': { import: './dist/index.js' } } }));
    for (const [file, content] of Object.entries(files)) temp.write(`node_modules/${name}/${file}`, content);
  };
  const options = (policy?: PluginPolicy): ResolveOptions => ({
    baseDir: temp.dir,
    catalogue: { 'first-one': async () => ({ default: definePlugin({ name: 'first-one', version: '1.0.0', setup() {} }) }) },
    ...(policy ? { policy } : {}),
  });
  const message = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => undefined, (caught: unknown) => caught as { code: string; message: string });
    if (!error) throw new Error('expected a rejection');
    return `${error.code}: ${error.message.replaceAll(temp.dir, '<dir>')}`;
  };
  return { ...temp, pkg, options, message };
}

describe('packageNamesFor', () => {
  it.each([
    ['alerts', ['moltbot-plugin-alerts', 'alerts']],
    ['moltbot-plugin-alerts', ['moltbot-plugin-alerts']],
    ['@acme/alerts', ['@acme/moltbot-plugin-alerts', '@acme/alerts']],
    ['@acme/moltbot-plugin-alerts', ['@acme/moltbot-plugin-alerts']],
  ])('%s → %j', (reference, names) => {
    expect(packageNamesFor(reference)).toEqual(names);
  });
});

describe('resolveEntry: package names', () => {
  it('resolves a short name to moltbot-plugin-<name>', async () => {
    const p = project();
    p.pkg('moltbot-plugin-alerts', { 'dist/index.js': pluginSource('alerts') });
    const record = await resolveEntry(['alerts', { a: 1 }], 'plugins[0]', p.options());
    expect(record).toMatchObject({ origin: 'package', specifier: 'alerts', options: { a: 1 }, plugin: { name: 'alerts' } });
  });

  it('resolves a scoped short name to @scope/moltbot-plugin-<name>', async () => {
    const p = project();
    p.pkg('@acme/moltbot-plugin-alerts', { 'dist/index.js': pluginSource('acme-alerts') });
    const record = await resolveEntry('@acme/alerts', 'plugins[0]', p.options());
    expect(record).toMatchObject({ origin: 'package', plugin: { name: 'acme-alerts' } });
  });

  it('still takes a package named exactly as written', async () => {
    const p = project();
    p.pkg('plain-pkg', { 'dist/index.js': pluginSource('plain') });
    expect((await resolveEntry('plain-pkg', 'plugins[0]', p.options())).plugin.name).toBe('plain');
  });

  it('names every package it tried when none is installed', async () => {
    const p = project();
    expect(await p.message(resolveEntry('@acme/nope', 'plugins[2]', p.options()))).toMatchInlineSnapshot(
      `"MOLT_ERR_PLUGIN_NOT_FOUND: Plugin "@acme/nope" (plugins[2]) is neither a first-party plugin nor an installed package (tried @acme/moltbot-plugin-nope, @acme/nope)"`,
    );
  });
});

describe('manifests are read without executing plugin code', () => {
  it('finds moltbot-plugin.json at the package root above dist/ and reads its options schema', () => {
    const p = project();
    p.pkg('moltbot-plugin-quiet', {
      'dist/index.js': EXPLODES,
      'moltbot-plugin.json': manifest({ name: 'quiet', kernel: `^${KERNEL_VERSION}`, options: './schema.json', description: 'Shh' }),
      'schema.json': JSON.stringify({ type: 'object', properties: { level: { type: 'integer', default: 3 } } }),
    });
    const located = locatePlugin('quiet', 'plugins[0]', p.options());
    expect(located).toMatchObject({
      origin: 'package', packageName: 'moltbot-plugin-quiet',
      manifest: { name: 'quiet', version: '1.2.3', description: 'Shh' },
      optionsSchema: { properties: { level: { default: 3 } } },
    });
    expect(located.manifestFile).toBe(join(p.dir, 'node_modules/moltbot-plugin-quiet/moltbot-plugin.json'));
  });

  it('refuses a kernel range that does not match before importing the entry', async () => {
    const p = project();
    p.pkg('moltbot-plugin-future', { 'dist/index.js': EXPLODES, 'moltbot-plugin.json': manifest({ name: 'future', kernel: '^99.0.0' }) });
    expect(await p.message(resolveEntry('future', 'plugins[1]', p.options()))).toMatchInlineSnapshot(
      `"MOLT_ERR_PLUGIN_KERNEL_RANGE: Plugin "future" requires kernel ^99.0.0, this is ${KERNEL_VERSION} (read from moltbot-plugin.json; its code was not loaded)"`,
    );
  });

  it('refuses a malformed manifest with the field at fault', async () => {
    const p = project();
    const file = p.write('bad/moltbot-plugin.json', manifest({ name: 'bad', version: 'one' }));
    expect(() => readManifest(file)).toThrowErrorMatchingInlineSnapshot(
      `[MoltbotError: Plugin manifest ${file}: "version" must be a semver version (got "one")]`,
    );
    p.write('bad/index.js', EXPLODES);
    expect(await p.message(resolveEntry('./bad/index.js', 'plugins[0]', p.options()))).toContain('"version" must be a semver version');
  });

  it('refuses a module whose name differs from its manifest', async () => {
    const p = project();
    p.write('odd/moltbot-plugin.json', manifest({ name: 'odd' }));
    p.write('odd/index.js', pluginSource('even'));
    expect(await p.message(resolveEntry('./odd/index.js', 'plugins[0]', p.options()))).toMatchInlineSnapshot(
      `"MOLT_ERR_PLUGIN_MANIFEST_INVALID: Plugin "./odd/index.js" (plugins[0]): <dir>/odd/moltbot-plugin.json names "odd" but the module defines "even""`,
    );
  });

  it('loads a folder through the manifest entry, and refuses a folder without one', async () => {
    const p = project();
    p.write('folder/moltbot-plugin.json', manifest({ name: 'folder', entry: './src/main.js' }));
    p.write('folder/src/main.js', pluginSource('folder'));
    expect(await resolveEntry('./folder', 'plugins[0]', p.options())).toMatchObject({ origin: 'path', plugin: { name: 'folder' } });
    mkdirSync(join(p.dir, 'empty'));
    expect(await p.message(resolveEntry('./empty', 'plugins[1]', p.options()))).toMatchInlineSnapshot(
      `"MOLT_ERR_PLUGIN_NOT_FOUND: Plugin folder <dir>/empty (from plugins[1]: "./empty") has no moltbot-plugin.json"`,
    );
  });
});

describe('pluginPolicy', () => {
  it('deny refuses a package by its manifest name before its code runs', async () => {
    const p = project();
    p.pkg('moltbot-plugin-noisy', { 'dist/index.js': EXPLODES, 'moltbot-plugin.json': manifest({ name: 'noisy-sink' }) });
    expect(await p.message(resolveEntry('noisy', 'plugins[0]', p.options({ deny: ['noisy-sink'] })))).toMatchInlineSnapshot(
      `"MOLT_ERR_PLUGIN_DENIED: Plugin "noisy" (plugins[0]) is denied by pluginPolicy.deny ("noisy-sink")"`,
    );
  });

  it('deny matches the reference, the package name, first-party and inline plugins', async () => {
    const p = project();
    p.pkg('moltbot-plugin-alerts', { 'dist/index.js': EXPLODES });
    await expect(resolveEntry('alerts', 'plugins[0]', p.options({ deny: ['moltbot-plugin-alerts'] }))).rejects.toThrow(/denied/);
    await expect(resolveEntry('alerts', 'plugins[0]', p.options({ deny: ['alerts'] }))).rejects.toThrow(/denied/);
    await expect(resolveEntry('first-one', 'preset "first-one"', p.options({ deny: ['first-one'] }))).rejects.toThrow(/denied/);
    const inline = definePlugin({ name: 'inline-one', version: '1.0.0', setup() {} });
    await expect(resolveEntry(inline, 'register() #1', p.options({ deny: ['inline-one'] }))).rejects.toThrow(/denied/);
  });

  it('deny applies to the defined name of a plugin without a manifest before setup', async () => {
    const p = project();
    p.write('plain.js', pluginSource('plain-name'));
    await expect(resolveEntry('./plain.js', 'plugins[0]', p.options({ deny: ['plain-name'] }))).rejects.toThrow(/denied by pluginPolicy.deny \("plain-name"\)/);
  });

  it('allow restricts package and path plugins, never first-party ones', async () => {
    const p = project();
    p.pkg('moltbot-plugin-listed', { 'dist/index.js': pluginSource('listed') });
    p.pkg('moltbot-plugin-other', { 'dist/index.js': EXPLODES });
    const policy = { allow: ['listed'] };
    expect((await resolveEntry('listed', 'plugins[0]', p.options(policy))).plugin.name).toBe('listed');
    expect((await resolveEntry('first-one', 'plugins[1]', p.options(policy))).origin).toBe('first-party');
    expect(await p.message(resolveEntry('other', 'plugins[2]', p.options(policy)))).toMatchInlineSnapshot(
      `"MOLT_ERR_PLUGIN_DENIED: Plugin "other" (plugins[2]) is not in pluginPolicy.allow"`,
    );
  });

  it('deny wins over allow', async () => {
    const p = project();
    p.pkg('moltbot-plugin-both', { 'dist/index.js': EXPLODES });
    await expect(resolveEntry('both', 'plugins[0]', p.options({ allow: ['both'], deny: ['both'] }))).rejects.toThrow(/denied/);
  });
});

describe('local plugin safety', () => {
  it('refuses a plugin in a world-writable folder', async () => {
    const p = project();
    p.write('shared/plugin.js', EXPLODES);
    chmodSync(join(p.dir, 'shared'), 0o777);
    expect(await p.message(resolveEntry('./shared/plugin.js', 'plugins[0]', p.options()))).toMatchInlineSnapshot(
      `"MOLT_ERR_PLUGIN_UNSAFE_PATH: Refusing to load local plugin <dir>/shared/plugin.js (plugins[0]): <dir>/shared is world-writable"`,
    );
  });

  it('refuses a world-writable plugin file', async () => {
    const p = project();
    p.write('plugin.js', EXPLODES, 0o666);
    chmodSync(join(p.dir, 'plugin.js'), 0o666);
    await expect(resolveEntry('./plugin.js', 'plugins[0]', p.options())).rejects.toThrow(/plugin\.js is world-writable/);
  });

  it('accepts a sticky world-writable folder such as /tmp', async () => {
    const p = project();
    p.write('sticky/plugin.js', pluginSource('sticky'));
    chmodSync(join(p.dir, 'sticky'), 0o1777);
    expect((await resolveEntry('./sticky/plugin.js', 'plugins[0]', p.options())).plugin.name).toBe('sticky');
  });

  it('refuses a plugin file owned by another user', async () => {
    const p = project();
    const file = p.write('theirs.js', EXPLODES);
    // Needs root to give the file away (the test machines run as root).
    chownSync(file, 4321, 4321);
    expect(await p.message(resolveEntry('./theirs.js', 'plugins[0]', p.options()))).toContain(`theirs.js is owned by uid 4321, not by you (uid ${process.getuid!()})`);
  });
});

describe('root config key pluginPolicy', () => {
  it('accepts allow and deny lists', () => {
    expect(validateConfig({ pluginPolicy: { allow: ['my-alerts'], deny: ['cache-redis'] } }, 'test', undefined).config.pluginPolicy)
      .toEqual({ allow: ['my-alerts'], deny: ['cache-redis'] });
  });

  it('refuses a misspelt key and an empty name', () => {
    expect(() => validateConfig({ pluginPolicy: { alow: ['x'] } }, 'test', undefined)).toThrow(/pluginPolicy\.alow/);
    expect(() => validateConfig({ pluginPolicy: { deny: [''] } }, 'test', undefined)).toThrow(/pluginPolicy\.deny\[0\]/);
  });
});

describe('moltbot plugins info', () => {
  it('describes a configured plugin from its manifest without importing its code', async () => {
    const p = project();
    p.write('plugins/quiet/moltbot-plugin.json', manifest({ name: 'quiet', options: './schema.json', kernel: '^1.0.0' }));
    p.write('plugins/quiet/index.js', EXPLODES);
    p.write('plugins/quiet/schema.json', JSON.stringify({ type: 'object', properties: { level: { type: 'integer', default: 3 } } }));
    p.write('moltbot.config.json', JSON.stringify({ preset: 'none', plugins: [['./plugins/quiet/index.js', { level: 1 }]] }));
    const result = await runCliCaptured(['plugins', 'info', 'quiet'], { cwd: p.dir });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      name: 'quiet', version: '1.2.3', kernel: '^1.0.0', origin: 'path',
      entry: join(p.dir, 'plugins/quiet/index.js'), manifest: join(p.dir, 'plugins/quiet/moltbot-plugin.json'),
      declaredAt: 'plugins[0]', configured: true,
      schema: { type: 'object', properties: { level: { type: 'integer', default: 3 } } }, defaults: { level: 3 },
      codeLoaded: false,
    });
  });
});
