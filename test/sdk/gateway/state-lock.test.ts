import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireStateLock, LOCK_FILE } from '../../../sdk/gateway/state-lock.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

describe('state-dir lock', () => {
  it('a second gateway on the same state dir is refused until the first releases', async () => {
    const { dir } = useTempDir();
    const first = await acquireStateLock(dir);
    expect(JSON.parse(readFileSync(first.path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(statSync(first.path).mode & 0o777).toBe(0o600);
    await expect(acquireStateLock(dir)).rejects.toThrow(/another gateway \(pid \d+, started .*\) uses the state dir .*MOLTBOT_STATE_DIR/);
    await first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const second = await acquireStateLock(dir);
    await second.release();
  });

  it('takes over a stale lock whose pid is dead', async () => {
    const { dir } = useTempDir();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: dead, host: hostname(), startedAt: 'earlier' }));
    const lock = await acquireStateLock(dir);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('a leftover lock naming our own pid (a restarted container) is stale; a garbled one too', async () => {
    const { dir } = useTempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, host: hostname(), startedAt: 'before restart' }));
    const lock = await acquireStateLock(dir);
    await lock.release();
    writeFileSync(join(dir, LOCK_FILE), '{"pid":');
    const again = await acquireStateLock(dir);
    await again.release();
  });

  it('a live pid on this host holds the lock', async () => {
    const { dir } = useTempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: 'now' }));
    await expect(acquireStateLock(dir)).rejects.toThrow(`another gateway (pid ${process.ppid}, started now)`);
  });
});
