import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_PATTERN } from '../../../plugins/backup/archive-dir.ts';
import { createBackup } from '../../../plugins/backup/create.ts';
import { verifyBackup } from '../../../plugins/backup/verify.ts';
import { DEFAULT_LIMITS } from '../../../plugins/backup/read-archive.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { writeTree } from './fixtures.ts';

const CHILD = fileURLToPath(new URL('./fixtures/create-loop.ts', import.meta.url));
const ITERATIONS = 20;
const BATCH = 5;

/** Spawns a create loop, SIGKILLs it `delayMs` after it reported ready, resolves on exit. */
function killDuringCreate(dir: string, source: string, delayMs: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, source], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const guard = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`child never became ready: ${stderr}`)); }, 10_000);
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('exit', (_code, signal) => { clearTimeout(guard); resolve(signal); });
    child.on('error', reject);
  });
}

describe('SIGKILL during create (BK-01)', () => {
  it(`leaves no partial archive under a final name in ${ITERATIONS} kills, and the next create sweeps the temps`, async () => {
    const { dir } = useTempDir('moltbot-kill-');
    const source = join(dir, 'clawd');
    // Random bytes do not compress: each create spends real time in gzip and in the read-back.
    for (let i = 0; i < 40; i++) writeTree(source, { [`f${i}.bin`]: randomBytes(48 * 1024) });
    const backups = join(dir, 'backups');
    const delays = Array.from({ length: ITERATIONS }, (_, i) => (i * 53) % 260);

    for (let start = 0; start < ITERATIONS; start += BATCH) {
      const signals = await Promise.all(delays.slice(start, start + BATCH).map((delay) => killDuringCreate(backups, source, delay)));
      expect(signals).toEqual(Array(signals.length).fill('SIGKILL'));
    }

    const archives = readdirSync(backups).filter((name) => ARCHIVE_PATTERN.test(name));
    for (const name of archives) expect(await verifyBackup(join(backups, name), DEFAULT_LIMITS)).toMatchObject({ ok: true, problems: [] });
    const leftovers = readdirSync(backups).filter((name) => !ARCHIVE_PATTERN.test(name));
    expect(leftovers.length).toBeGreaterThan(0);

    await createBackup({ dir: backups, sources: [{ name: 'workspace', path: source, plugin: 'backup' }], version: '1.0.0' });
    expect(readdirSync(backups).filter((name) => !ARCHIVE_PATTERN.test(name))).toEqual([]);
  });
});
