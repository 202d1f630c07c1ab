import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO, spawnNode } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { SHIPPED_ASSETS } from '../../../plugins/control-ui/index.ts';
import { loadAssets } from '../../../plugins/control-ui/assets.ts';
// @ts-expect-error plain JS module shared with the Vite config (no type declarations)
import { uiSourceHash } from '../../../ui/source-hash.mjs';

describe('control-ui shipped build', () => {
  it('ui/built matches the UI sources (run `npm run build:ui` and commit ui/built after changing ui/)', () => {
    const recorded = readFileSync(join(SHIPPED_ASSETS, '.source-hash'), 'utf8').trim();
    expect(recorded).toBe(uiSourceHash());
  });

  it('index.html loads only files of the build: no inline script or style, nothing from another host', () => {
    const html = readFileSync(join(SHIPPED_ASSETS, 'index.html'), 'utf8');
    const assets = loadAssets(SHIPPED_ASSETS);
    const referenced = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!).filter((ref) => !ref.startsWith('data:'));
    expect(referenced.length).toBeGreaterThanOrEqual(2);
    for (const ref of referenced) expect(assets.has(ref), ref).toBe(true);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="/);
    expect(html).not.toMatch(/https?:\/\//);
    for (const [path, asset] of assets) {
      if (path.endsWith('.js') || path.endsWith('.css')) expect(asset.body.toString('utf8'), path).not.toMatch(/(?:src|href|url)\(?\s*["']?https?:\/\/(?!www\.w3\.org)/);
    }
  });

  it('the compiled package (dist/) serves the same shipped build from the package root', async () => {
    const temp = useTempDir();
    const dist = (path: string) => pathToFileURL(join(REPO, 'dist', path)).href;
    const script = temp.write('main.mjs', `
import { createKernel } from '${dist('app/index.js')}';
import { gatewayServiceRef } from '${dist('sdk/gateway/index.js')}';
const kernel = createKernel({ config: { gateway: { auth: { mode: 'none' } } }, logLevel: 'silent', plugins: ['rate-limit', 'gateway', 'control-ui'] });
await kernel.load();
const gateway = kernel.use(gatewayServiceRef);
gateway.listenOn({ port: 0 });
await kernel.start();
const page = await fetch(gateway.address().httpUrl + '/ui/');
console.log(JSON.stringify({ status: page.status, html: await page.text() }));
await kernel.close();
`);
    const result = await spawnNode([script], { cwd: temp.dir, env: { HOME: temp.dir, MOLTBOT_STATE_DIR: join(temp.dir, 'state') } });
    expect(result.stderr).toBe('');
    const served = JSON.parse(result.stdout) as { status: number; html: string };
    expect(served.status).toBe(200);
    expect(served.html).toBe(readFileSync(join(REPO, 'ui', 'built', 'index.html'), 'utf8'));
  });
});
