/** The bundle has an entry at every path the package's exports, the CLI and the sandbox name. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entries } from '../../scripts/build-bundle.ts';
import { chunkText } from '../../sdk/channels/index.ts';
import { REPO } from '../helpers/cli.ts';

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

  it('keeps the non-ASCII text of the sources (escaped, not changed)', async () => {
    const built = await import(join(REPO, 'dist', 'sdk', 'channels', 'index.js')) as { chunkText: typeof chunkText };
    // The break after 。 (a character of the sentence-end pattern) comes before the last space.
    const text = '第一句话。 第二 句话！ 第三… 句话？ end';
    expect(built.chunkText(text, 10)[0]).toBe('第一句话。');
    for (const max of [4, 10, 16]) expect(built.chunkText(text, max)).toEqual(chunkText(text, max));
  });
});
