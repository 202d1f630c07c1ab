import { describe, expect, it } from 'vitest';
import { bundleImport } from '../../bin/own-package.js';

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
