import { afterEach, describe, expect, it, vi } from 'vitest';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Keyv } from 'keyv';
import { createDiskStore } from '../../../plugins/cache-disk/disk-store.ts';
import { SqliteKeyvAdapter } from '../../../plugins/cache-disk/sqlite-adapter.ts';
import { SqliteCacheDb } from '../../../plugins/cache-disk/sqlite-db.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const closers: (() => unknown)[] = [];

function openDb(path = join(useTempDir('moltbot-disk-').dir, 'cache', 'cache.sqlite')) {
  const db = new SqliteCacheDb(path);
  closers.push(() => db.close());
  return db;
}

function keyvOn(db: SqliteCacheDb, namespace: string) {
  const keyv = new Keyv({ store: new SqliteKeyvAdapter(db), namespace });
  const errors: unknown[] = [];
  keyv.on('error', (error) => errors.push(error));
  return Object.assign(keyv, { errors });
}

afterEach(() => {
  vi.useRealTimers();
  for (const close of closers.splice(0)) close();
});

describe('SQLite adapter (node:sqlite behind Keyv)', () => {
  it('creates the file and its folder, in WAL mode, and survives a reopen', async () => {
    const path = join(useTempDir('moltbot-disk-').dir, 'state', 'cache', 'cache.sqlite');
    const first = new SqliteCacheDb(path);
    await keyvOn(first, 'p').set('k', { kept: true }, 60_000);
    // Cached data is private: folder 0700, database (and so its -wal/-shm files) 0600.
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
    first.close();
    const raw = new DatabaseSync(path);
    expect(raw.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    raw.close();
    const second = openDb(path);
    expect(await keyvOn(second, 'p').get('k')).toEqual({ kept: true });
  });

  it('stores the absolute expiry in its column and hides an expired row on read', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const db = openDb();
    const keyv = keyvOn(db, 'p');
    await keyv.set('k', 'v', 1_000);
    expect(db.get('p::k')?.expires).toBe(T0 + 1_000);
    vi.setSystemTime(T0 + 1_000);
    expect(await keyv.get('k')).toBe('v');
    vi.setSystemTime(T0 + 1_001);
    expect(await keyv.get('k')).toBeUndefined();
    expect(db.get('p::k')).toBeUndefined();
    expect(keyv.errors).toEqual([]);
  });

  it('sweeps expired rows, then the soonest-expiring beyond maxEntries', () => {
    const db = openDb();
    db.set('expired', '"x"', T0 - 1);
    db.set('soon', '"x"', T0 + 10);
    db.set('later', '"x"', T0 + 20);
    db.set('forever', '"x"', null);
    expect(db.sweep(T0, 2)).toBe(2);
    expect(['expired', 'soon', 'later', 'forever'].map((key) => db.get(key) !== undefined)).toEqual([false, false, true, true]);
  });

  it('clears one namespace only, even when its name holds GLOB wildcards', async () => {
    const db = openDb();
    const star = keyvOn(db, 'a*');
    const plain = keyvOn(db, 'ab');
    const bracket = keyvOn(db, 'a[b]');
    await star.set('k', 1);
    await plain.set('k', 2);
    await bracket.set('k', 3);
    await star.clear();
    await bracket.clear();
    expect([await star.get('k'), await plain.get('k'), await bracket.get('k')]).toEqual([undefined, 2, undefined]);
  });

  it('handles batches in one transaction', async () => {
    const db = openDb();
    const keyv = keyvOn(db, 'p');
    expect(await keyv.setMany([{ key: 'a', value: 1 }, { key: 'b', value: 2, ttl: 60_000 }])).toEqual([true, true]);
    expect(await keyv.getMany(['a', 'b', 'c'])).toEqual([1, 2, undefined]);
    expect(await keyv.deleteMany(['a', 'c'])).toEqual([true, false]);
    expect(await keyv.hasMany(['a', 'b'])).toEqual([false, true]);
  });

  it('reports a failure once, by rejecting (Keyv emits it and answers a miss)', async () => {
    const db = openDb();
    const keyv = keyvOn(db, 'p');
    db.close();
    expect(await keyv.get('k')).toBeUndefined();
    expect(keyv.errors).toHaveLength(1);
    expect(String(keyv.errors[0])).toMatchInlineSnapshot(`"Error: statement has been finalized"`);
  });
});

describe('disk store', () => {
  it('sweeps on open, reports entries and file bytes, and closes its file', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const path = join(useTempDir('moltbot-disk-').dir, 'cache.sqlite');
    const seed = new SqliteCacheDb(path);
    seed.set('p::old', '{"value":1}', T0 - 5);
    seed.set('p::fresh', '{"value":2}', T0 + 60_000);
    seed.close();
    const store = createDiskStore({ path, maxEntries: 100, sweepIntervalMs: 60_000 });
    const stats = store.stats!();
    expect(stats.entries).toBe(1);
    expect(stats.bytes).toBeGreaterThan(0);
    expect(await store.keyv('p').get('fresh')).toBe(2);
    await store.close();
  });
});
