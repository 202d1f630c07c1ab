import { cpSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleImport } from '../../bin/own-package.js';
import { REPO, spawnNode } from '../helpers/cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const DIST = 'file:///opt/moltbot/dist/';
const resolve = (specifier: string, parentURL: string | undefined) => bundleImport(specifier, parentURL, DIST);

describe('bin/own-package.js bundleImport', () => {
  it('resolves the bundle\'s relative imports between its own files directly', () => {
    expect(resolve('./kernel-x1.js', `${DIST}chunks/gateway-y2.js`)).toBe(`${DIST}chunks/kernel-x1.js`);
    expect(resolve('../../chunks/core-z3.js', `${DIST}sdk/core/index.js`)).toBe(`${DIST}chunks/core-z3.js`);
  });

  it('leaves every other import to Node: bare names, importers outside dist/, a path leaving dist/, a file that is not a module', () => {
    expect(resolve('ws', `${DIST}chunks/gateway-y2.js`)).toBeUndefined();
    expect(resolve('node:fs', `${DIST}chunks/gateway-y2.js`)).toBeUndefined();
    expect(resolve('./plugin.js', 'file:///home/me/proj/moltbot.config.ts')).toBeUndefined();
    expect(resolve('./cli.js', 'file:///opt/moltbot/bin/moltbot.js')).toBeUndefined();
    expect(resolve('../../package.json', `${DIST}app/cli.js`)).toBeUndefined();
    expect(resolve('../../bin/own-package.js', `${DIST}app/cli.js`)).toBeUndefined();
    expect(resolve('./THIRD-PARTY-LICENSES.md', `${DIST}app/cli.js`)).toBeUndefined();
    expect(resolve('./x.js', undefined)).toBeUndefined();
  });
});

// test/global-setup.ts has built dist/. The tracer is registered before the CLI's own hook, so it
// sees only what that hook passes on to Node's resolver.
describe('the built CLI', () => {
  const TRACE_RESOLVE = `data:text/javascript,import m from 'node:module'; m.registerHooks({ resolve(s, c, n) { process.stderr.write('resolve ' + s + ' from ' + c.parentURL + '\\n'); return n(s, c); } });`;

  for (const [layout, where] of [['copied', 'as npm installs it'], ['symlinked', 'as bench/built-package.ts lays it out']] as const) {
    it(`resolves the imports between the bundle's files itself (dist/ ${layout}, ${where})`, async () => {
      const { dir } = useTempDir();
      const root = join(dir, 'pkg');
      mkdirSync(root);
      cpSync(join(REPO, 'bin'), join(root, 'bin'), { recursive: true });
      cpSync(join(REPO, 'package.json'), join(root, 'package.json'));
      for (const shared of ['node_modules', 'schemas', 'ui', 'templates']) symlinkSync(join(REPO, shared), join(root, shared));
      if (layout === 'copied') cpSync(join(REPO, 'dist'), join(root, 'dist'), { recursive: true, filter: (path) => !path.endsWith('.d.ts') });
      else symlinkSync(join(REPO, 'dist'), join(root, 'dist'));
      const result = await spawnNode(['--import', TRACE_RESOLVE, join(root, 'bin', 'moltbot.js'), 'config', 'validate'], { cwd: dir });
      expect(result.code, result.stderr).toBe(0);
      const resolvedPairs = result.stderr.split('\n').flatMap((line) => {
        const match = /^resolve (\S+) from (\S+)$/.exec(line);
        return match === null ? [] : [{ specifier: match[1]!, parent: match[2]! }];
      });
      // The entry is imported from bin/, outside the bundle: Node resolves it (and the tracer sees it).
      expect(resolvedPairs.map((pair) => pair.specifier)).toContain('../dist/app/cli.js');
      // Bare imports from the bundle (a dependency left installed, a built-in) still reach Node.
      expect(resolvedPairs.some((pair) => pair.parent.includes('/dist/') && !pair.specifier.startsWith('.'))).toBe(true);
      expect(resolvedPairs.filter((pair) => pair.parent.includes('/dist/') && pair.specifier.startsWith('.'))).toEqual([]);
    });
  }
});
