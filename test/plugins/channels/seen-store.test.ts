/** The state-dir journal behind replay and message-id memory: restart, torn lines, a failed append, compaction, bounds. */
import { appendFileSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileSeenStore } from '../../../plugins/channels/seen-store.ts';
import { faults } from '../../helpers/faulty-file.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

vi.mock('node:fs/promises', async (real) => (await import('../../helpers/faulty-fs-mock.ts')).mockFsPromises(await real()));

afterEach(() => faults.clear());

describe('FileSeenStore', () => {
  it('a claim whose line does not fully land (full disk) fails with NO_SPACE, is not remembered, and the journal stays whole', async () => {
    const file = join(useTempDir().dir, 'seen.jsonl');
    const first = new FileSeenStore(file);
    expect(await first.claim('before', 60_000)).toBe(true);
    await first.close();
    const whole = readFileSync(file, 'utf8');
    // Faults apply to handles opened while armed: the next store opens the journal on a full disk.
    faults.arm(/seen\.jsonl$/, 'short');
    const store = new FileSeenStore(file);
    await expect(store.claim('during', 60_000)).rejects.toMatchObject({ code: 'MOLT_ERR_STORE_NO_SPACE' });
    expect(faults.hits()).toBeGreaterThan(0);
    faults.clear();
    expect(readFileSync(file, 'utf8')).toBe(whole);
    // Not remembered: the retry runs; and what was acknowledged before is still remembered after a restart.
    expect(await store.claim('during', 60_000)).toBe(true);
    await store.close();
    const again = new FileSeenStore(file);
    expect(await again.claim('before', 60_000)).toBe(false);
    expect(await again.claim('during', 60_000)).toBe(false);
    await again.close();
  });

  it('remembers across instances on the same file (0600) until the ttl ends', async () => {
    let now = 1_000;
    const file = join(useTempDir().dir, 'channels', 'seen.jsonl');
    const a = new FileSeenStore(file, { now: () => now });
    expect(await a.claim('k', 100)).toBe(true);
    expect(await a.claim('k', 100)).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const b = new FileSeenStore(file, { now: () => now });
    expect(await b.claim('k', 100)).toBe(false);
    now += 101;
    const c = new FileSeenStore(file, { now: () => now });
    expect(await c.claim('k', 100)).toBe(true);
  });

  it('a torn last line (crash mid-append) is skipped and never swallows the next record', async () => {
    const file = join(useTempDir().dir, 'seen.jsonl');
    const now = () => 5_000;
    const a = new FileSeenStore(file, { now });
    await a.claim('first', 10_000);
    appendFileSync(file, '{"k":"torn","e":99');
    const b = new FileSeenStore(file, { now });
    expect(await b.claim('next', 10_000)).toBe(true);
    const c = new FileSeenStore(file, { now });
    expect(await c.claim('first', 10_000)).toBe(false);
    expect(await c.claim('next', 10_000)).toBe(false);
    expect(await c.claim('torn', 10_000)).toBe(true);
    for (const line of readFileSync(file, 'utf8').trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('an append that fails rejects and leaves the key unclaimed: once the disk is back, the retry runs', async () => {
    const { dir } = useTempDir();
    const store = new FileSeenStore(join(dir, 'channels', 'seen.jsonl'));
    await store.forget('nothing'); // loads the (missing) journal
    writeFileSync(join(dir, 'channels'), 'a file where the directory should be');
    await expect(store.claim('x', 60_000)).rejects.toThrow(/EEXIST|ENOTDIR/);
    rmSync(join(dir, 'channels'));
    expect(await store.claim('x', 60_000)).toBe(true);
    expect(await store.claim('x', 60_000)).toBe(false);
  });

  it('compacts to the live keys and keeps at most maxKeys (oldest first)', async () => {
    let now = 0;
    const file = join(useTempDir().dir, 'seen.jsonl');
    const store = new FileSeenStore(file, { now: () => now, maxKeys: 3 });
    for (let i = 0; i < 1100; i++) {
      await store.claim(`short-${i}`, 1);
      now += 2;
    }
    expect(readFileSync(file, 'utf8').trimEnd().split('\n').length).toBeLessThan(1100);
    for (const key of ['a', 'b', 'c', 'd']) await store.claim(key, 1_000_000);
    expect(store.size).toBe(3);
    const again = new FileSeenStore(file, { now: () => now, maxKeys: 3 });
    expect(await again.claim('a', 1_000_000)).toBe(true);
    expect(await again.claim('d', 1_000_000)).toBe(false);
  });
});
