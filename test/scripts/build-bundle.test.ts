/** The bundle has an entry at every path the package's exports, the CLI and the sandbox name. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entries } from '../../scripts/build-bundle.ts';
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
