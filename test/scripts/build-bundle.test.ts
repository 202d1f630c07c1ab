/** The bundle has an entry at every path the package's exports, the CLI and the sandbox name. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entries, externalFor, packageName, thirdPartyLicences } from '../../scripts/build-bundle.ts';
import { chunkText } from '../../sdk/channels/index.ts';
import { REPO } from '../helpers/cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

describe('scripts/build-bundle.ts entries', () => {
  const names = Object.keys(entries());

  it('cover every export of package.json (the wildcard over every SDK area)', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, string | { default?: string }> };
    const wanted: string[] = [];
    for (const target of Object.values(manifest.exports)) {
      const path = typeof target === 'string' ? target : target.default;
      if (path === undefined || !path.startsWith('./dist/')) continue;
      const name = path.slice('./dist/'.length, -'.js'.length);
      if (!name.includes('*')) wanted.push(name);
      else for (const area of readdirSync(join(REPO, 'sdk'))) if (existsSync(join(REPO, 'sdk', area, 'index.ts'))) wanted.push(name.replace('*', area));
    }
    expect(wanted.length).toBeGreaterThan(10);
    expect(names).toEqual(expect.arrayContaining(wanted));
  });

  // The installed CLI and a sandboxed tool run from these in test/package/pack.test.ts.
  it('include the CLI and the sandbox worker, and every source exists', () => {
    expect(names).toEqual(expect.arrayContaining(['app/cli', 'plugins/sandbox/worker']));
    for (const source of Object.values(entries())) expect(existsSync(source), source).toBe(true);
  });
});

describe('scripts/build-bundle.ts dependencies', () => {
  const external = externalFor(REPO);

  it('bundles the dependencies; Node\'s built-ins, the ones reading their own files and the user\'s peers stay imports', () => {
    for (const id of ['ws', 'pino', 'ajv/dist/runtime/equal', '@modelcontextprotocol/sdk/client/index.js', 'tapable']) expect(external(id), id).toBe(false);
    for (const id of ['node:fs', 'fs', 'worker_threads', 'isolated-vm', 'playwright-core', 'unpdf', 'vitest']) expect(external(id), id).toBe(true);
    for (const id of ['./kernel.ts', '/abs/file.ts', '\0rolldown/runtime']) expect(external(id), id).toBe(false);
    expect(packageName('@slack/web-api/dist/index.js')).toBe('@slack/web-api');
    expect(packageName('ajv/dist/runtime/equal')).toBe('ajv');
  });

  it('writes the licence of every bundled package once, from its licence file or, without one, its manifest', () => {
    const { dir } = useTempDir();
    const pkg = (root: string, manifest: object, licence?: [string, string]) => {
      mkdirSync(join(root, 'lib'), { recursive: true });
      writeFileSync(join(root, 'package.json'), JSON.stringify(manifest));
      if (licence !== undefined) writeFileSync(join(root, licence[0]), licence[1]);
    };
    pkg(join(dir, 'node_modules', 'alpha'), { name: 'alpha', version: '1.2.3', license: 'MIT' }, ['LICENSE.md', 'Copyright (c) Alpha people']);
    pkg(join(dir, 'node_modules', '@scope', 'beta'), { name: '@scope/beta', version: '2.0.0', license: 'ISC' });
    pkg(join(dir, 'node_modules', 'alpha', 'node_modules', 'gamma'), { name: 'gamma', version: '0.1.0', license: 'Apache-2.0' }, ['LICENCE', 'Apache gamma text']);
    const text = thirdPartyLicences([
      join(dir, 'node_modules', 'alpha', 'lib', 'a.js'), join(dir, 'node_modules', 'alpha', 'index.js'),
      join(dir, 'node_modules', '@scope', 'beta', 'lib', 'b.js'),
      join(dir, 'node_modules', 'alpha', 'node_modules', 'gamma', 'lib', 'g.js'),
      join(REPO, 'core', 'kernel.ts'),
    ]);
    expect(text.match(/^## .*$/gm)).toEqual(['## @scope/beta 2.0.0 (ISC)', '## alpha 1.2.3 (MIT)', '## gamma 0.1.0 (Apache-2.0)']);
    expect(text).toContain('Copyright (c) Alpha people');
    expect(text).toContain('Apache gamma text');
    expect(text).toContain('(no licence file in the package; package.json says ISC)');
  });
});

// test/global-setup.ts has built dist/ as `npm run build` does.
describe('the built bundle', () => {
  const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => entry.isDirectory() ? files(join(dir, entry.name)) : entry.name.endsWith('.js') ? [join(dir, entry.name)] : []);

  // V8 keeps a module's source for as long as the module lives, as two bytes a character if one
  // character is outside Latin-1: a single arrow in a message doubled a chunk's resident size.
  it('is ASCII only, so every module source stays one byte a character in memory', () => {
    const built = files(join(REPO, 'dist'));
    expect(built.length).toBeGreaterThan(20);
    const wide = built.filter((file) => /[^\x00-\x7f]/.test(readFileSync(file, 'utf8')));
    expect(wide).toEqual([]);
  });

  // Node resolves, reads and links one file per package file otherwise; its path code then runs
  // often enough at start to be optimised by TurboFan, whose pages stay resident (issue 23).
  it('imports no dependency it bundles, and names the licence of each one whose code it holds', () => {
    const bundledPackages = new Set<string>();
    const imported = new Set<string>();
    for (const file of files(join(REPO, 'dist'))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/^\/\/(?:#region)? ?node_modules\/((?:@[^/\s]+\/)?[^/\s]+)/gm)) bundledPackages.add(match[1]!);
      for (const match of text.matchAll(/(?:^import|^export|\bimport\() *(?:[^'";]*? from )?["']([^"'./][^"']*)["']/gm)) imported.add(match[1]!);
    }
    // An optional package a dependency tries to import (@redis/client's @node-rs/xxhash) is not installed, so not bundled.
    const external = externalFor(REPO);
    const stray = [...imported].filter((id) => !external(id) && existsSync(join(REPO, 'node_modules', packageName(id))));
    expect(stray).toEqual([]);
    expect([...imported]).toEqual(expect.arrayContaining(['isolated-vm', 'node:fs']));
    expect(bundledPackages).toContain('ws');
    const licences = readFileSync(join(REPO, 'dist', 'THIRD-PARTY-LICENSES.md'), 'utf8');
    const named = new Set([...licences.matchAll(/^## (\S+) /gm)].map((match) => match[1]!));
    expect([...bundledPackages].filter((name) => !named.has(name))).toEqual([]);
  });

  it('keeps the non-ASCII text of the sources (escaped, not changed)', async () => {
    const built = await import(join(REPO, 'dist', 'sdk', 'channels', 'index.js')) as { chunkText: typeof chunkText };
    // The break after 。 (a character of the sentence-end pattern) comes before the last space.
    const text = '第一句话。 第二 句话！ 第三… 句话？ end';
    expect(built.chunkText(text, 10)[0]).toBe('第一句话。');
    for (const max of [4, 10, 16]) expect(built.chunkText(text, max)).toEqual(chunkText(text, max));
  });
});
