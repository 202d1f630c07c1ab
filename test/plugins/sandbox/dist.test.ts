/**
 * The published package runs dist/, a bundle (scripts/build-bundle.ts; Node strips no types
 * under node_modules): the sandbox must fork the bundle's worker entry there, not worker.ts
 * beside a module that no longer exists as a file of its own. Through public entries only.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO, spawnNode } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

describe('sandbox from the compiled package', () => {
  it('runs a tool through dist/ (the bundle\'s worker.js, not worker.ts)', async () => {
    const temp = useTempDir();
    const dist = (path: string) => pathToFileURL(join(REPO, 'dist', path)).href;
    const script = temp.write('main.mjs', `
import { createKernel } from '${dist('app/index.js')}';
import { sandboxServiceRef } from '${dist('sdk/agent/index.js')}';
const kernel = createKernel({ config: {}, logLevel: 'silent', plugins: [['sandbox', { poolSize: 1 }]] });
await kernel.start();
const result = await kernel.use(sandboxServiceRef).run({ source: 'export default { description: "x", parameters: { type: "object" }, run: (a) => a.n * 2 };', filename: 'double.mjs', args: { n: 21 } });
console.log(JSON.stringify({ value: result.value, worker: result.workerPid !== process.pid }));
await kernel.close();
`);
    const result = await spawnNode([script], { cwd: temp.dir, env: { MOLTBOT_STATE_DIR: join(temp.dir, 'state') } });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ value: 42, worker: true });
  });
});
