/** FS-05: a racer swaps a path component between a folder and a symlink out while the tool writes. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { writeWorkspaceFile } from '../../../sdk/workspace/file-ops.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const RACER = `
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { real, parked, link, outside } = workerData;
const flag = new Int32Array(workerData.stop);
let flips = 0;
while (Atomics.load(flag, 0) === 0) {
  try { fs.renameSync(real, parked); fs.symlinkSync(outside, real); } catch {}
  try { fs.unlinkSync(real); fs.renameSync(parked, real); } catch {}
  flips++;
}
parentPort.postMessage(flips);
`;

describe('tools-fs TOCTOU', () => {
  it('FS-05 no byte lands outside while a path component flips to a symlink 1000+ times', async () => {
    const root = useTempDir().dir;
    const ws = join(root, 'w');
    const outside = join(root, 'outside');
    mkdirSync(join(ws, 'dir'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'target.txt'), 'ORIGINAL');
    const stop = new SharedArrayBuffer(4);
    const racer = new Worker(RACER, { eval: true, workerData: { real: join(ws, 'dir'), parked: join(ws, 'dir.parked'), outside, stop } });
    const flips = new Promise<number>((resolve) => racer.once('message', resolve));
    let written = 0;
    let refused = 0;
    const end = Date.now() + 1500;
    let i = 0;
    while (Date.now() < end || i < 200) {
      try {
        await writeWorkspaceFile(ws, 'dir/target.txt', `PWNED ${i}`, 1024);
        written++;
      } catch {
        refused++;
      }
      i++;
    }
    Atomics.store(new Int32Array(stop), 0, 1);
    const count = await flips;
    await racer.terminate();
    expect(count).toBeGreaterThan(1000);
    expect(written + refused).toBe(i);
    expect(readFileSync(join(outside, 'target.txt'), 'utf8')).toBe('ORIGINAL');
    expect(readdirSync(outside)).toEqual(['target.txt']);
  });
});
