/**
 * The pairing store on a full disk (injected short write / ENOSPC on its atomic write): a
 * request, approval or revoke whose write fails is refused with MOLT_ERR_STORE_NO_SPACE and
 * changes nothing, in memory or on disk — a refused approval grants no access, a refused revoke
 * is not half done.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PairingStore } from '../../../plugins/channels/pairing-store.ts';
import { faults } from '../../helpers/faulty-file.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

vi.mock('node:fs/promises', async (real) => (await import('../../helpers/faulty-fs-mock.ts')).mockFsPromises(await real()));

afterEach(() => faults.clear());

const NO_SPACE = { code: 'MOLT_ERR_STORE_NO_SPACE', message: expect.stringMatching(/No space left on the disk to write tg\.json/) };

describe('pairing store on a full disk', () => {
  it('a refused write changes nothing: request, approve and revoke are undone in memory and the file stays whole', async () => {
    const dir = useTempDir().dir;
    const store = new PairingStore(dir);
    await store.load('tg');
    const { request } = (await store.request('tg', 'alice')) as { request: { code: string } };
    const file = join(dir, 'credentials', 'pairing', 'tg.json');
    const onDisk = readFileSync(file, 'utf8');

    faults.arm(/tg\.json\..*\.tmp$/, 'short');
    await expect(store.request('tg', 'bob')).rejects.toMatchObject(NO_SPACE);
    expect(store.list('tg').map((r) => r.sender)).toEqual(['alice']);
    await expect(store.approve('tg', request.code)).rejects.toMatchObject(NO_SPACE);
    expect(store.approvedSenders('tg')).toEqual([]);
    expect(store.list('tg').map((r) => r.sender)).toEqual(['alice']);
    expect(readFileSync(file, 'utf8')).toBe(onDisk);
    expect(readdirSync(join(dir, 'credentials', 'pairing'))).toEqual(['tg.json']);

    faults.clear();
    await store.approve('tg', request.code);
    expect(store.approvedSenders('tg').map((e) => e.sender)).toEqual(['alice']);
    faults.arm(/tg\.json\..*\.tmp$/, 'enospc');
    await expect(store.revoke('tg', 'alice')).rejects.toMatchObject(NO_SPACE);
    expect(store.approvedSenders('tg').map((e) => e.sender)).toEqual(['alice']);
    expect(faults.hits()).toBeGreaterThan(0);

    faults.clear();
    expect(await store.revoke('tg', 'alice')).toBe(true);
    const reloaded = new PairingStore(dir);
    await reloaded.load('tg');
    expect(reloaded.approvedSenders('tg')).toEqual([]);
  });

  it('a refused write of a 4th request leaves the 3 pending ones as they were (the expired one comes back)', async () => {
    let now = 1_000_000;
    const store = new PairingStore(useTempDir().dir, () => now);
    await store.load('tg');
    for (const sender of ['a', 'b', 'c']) {
      await store.request('tg', sender);
      now += 1;
    }
    faults.arm(/tg\.json\..*\.tmp$/, 'short');
    await expect(store.request('tg', 'd')).rejects.toMatchObject(NO_SPACE);
    expect(store.list('tg').map((r) => r.sender)).toEqual(['a', 'b', 'c']);
    faults.clear();
    expect(await store.request('tg', 'd')).toMatchObject({ status: 'created', evicted: { sender: 'a' } });
    expect(store.list('tg').map((r) => r.sender)).toEqual(['b', 'c', 'd']);
  });
});
