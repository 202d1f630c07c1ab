/** templates/lock.json (what scaffolded packages install offline) follows package-lock.json. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lockClosure, type LockPackages } from '../../app/cli/plugin-lock.ts';
import { TEMPLATES_LOCK, templatesLock } from '../../scripts/templates-lock.ts';

describe('templates/lock.json', () => {
  it('is what scripts/templates-lock.ts cuts from package-lock.json (run it after a dependency change)', () => {
    expect(readFileSync(TEMPLATES_LOCK, 'utf8')).toBe(templatesLock());
  });
});

describe('lockClosure', () => {
  const packages: LockPackages = {
    'node_modules/app-dep': { version: '1.0.0', dependencies: { shared: '^1' } },
    'node_modules/test-dep': { version: '2.0.0', dev: true, dependencies: { shared: '^1', nested: '^3' }, peerDependencies: { wanted: '*', extra: '*' }, peerDependenciesMeta: { extra: { optional: true } } },
    'node_modules/test-dep/node_modules/nested': { version: '3.0.0', dev: true },
    'node_modules/nested': { version: '1.0.0' },
    'node_modules/shared': { version: '1.2.0', devOptional: true },
    'node_modules/wanted': { version: '1.0.0', peer: true },
    'node_modules/extra': { version: '1.0.0' },
    'node_modules/unrelated': { version: '1.0.0' },
  };

  it('keeps what the roots reach, at their paths, resolving nested copies first', () => {
    const closure = lockClosure(packages, { prod: ['app-dep'], dev: ['test-dep'] });
    expect(Object.keys(closure)).toEqual([
      'node_modules/app-dep', 'node_modules/shared', 'node_modules/test-dep', 'node_modules/test-dep/node_modules/nested', 'node_modules/wanted',
    ]);
  });

  it('flags dev only what no production dependency reaches', () => {
    const closure = lockClosure(packages, { prod: ['app-dep'], dev: ['test-dep'] });
    expect(closure['node_modules/shared']).toEqual({ version: '1.2.0' });
    expect(closure['node_modules/test-dep']?.dev).toBe(true);
    expect(closure['node_modules/wanted']).toEqual({ version: '1.0.0', dev: true });
  });

  it('names a dependency the lockfile lacks and the fix', () => {
    expect(() => lockClosure(packages, { prod: ['missing'], dev: [] })).toThrow('lockfile has no missing: regenerate it (npm install, then node scripts/templates-lock.ts)');
    expect(() => lockClosure({ 'node_modules/a': { dependencies: { b: '1' } } }, { prod: ['a'], dev: [] })).toThrow(/lockfile has no b for node_modules\/a/);
  });
});
