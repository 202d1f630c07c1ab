/** The pairing store: codes (alphabet, CSPRNG spread), TTL with a fake clock, limits, persistence, file names. */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, CODE_TTL_MS, generateCode } from '../../../sdk/channels/index.ts';
import { PairingStore } from '../../../plugins/channels/pairing-store.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

describe('pairing store', () => {
  it('codes: 8 symbols of the unambiguous alphabet, spread evenly over 10,000 codes', () => {
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(CODE_ALPHABET).not.toMatch(/[01IO]/);
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const code = generateCode();
      expect(code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/);
      for (const char of code) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect(counts.size).toBe(32);
    // 80,000 symbols: 2,500 expected each; chi-square with 31 degrees of freedom, p < 1e-6 at ~80.
    const chiSquare = [...counts.values()].reduce((sum, n) => sum + (n - 2500) ** 2 / 2500, 0);
    expect(chiSquare).toBeLessThan(80);
  });

  it('same sender same code; 3 pending at most (a 4th expires the oldest); codes expire after 1 hour', async () => {
    let now = 1_000_000;
    const store = new PairingStore(useTempDir().dir, () => now);
    await store.load('tg');
    const a = await store.request('tg', 'a');
    expect(a.status).toBe('created');
    expect(await store.request('tg', 'a')).toEqual({ status: 'existing', request: (a as { request: unknown }).request });
    now += 1;
    await store.request('tg', 'b');
    now += 1;
    await store.request('tg', 'c');
    now += 1;
    const d = await store.request('tg', 'd');
    expect(d).toMatchObject({ status: 'created', request: { sender: 'd' }, evicted: { sender: 'a' } });
    expect(store.list('tg').map((r) => r.sender)).toEqual(['b', 'c', 'd']);
    const evictedCode = (a as { request: { code: string } }).request.code;
    await expect(store.approve('tg', evictedCode)).rejects.toThrow(/no pending pairing code/);
    now += CODE_TTL_MS - 3; // b was created 2 ms after a: it expires 1 hour after that
    expect(store.list('tg')).toHaveLength(3);
    now += 2;
    expect(store.list('tg').map((r) => r.sender)).toEqual(['d']);
    now += CODE_TTL_MS;
    expect(store.list('tg')).toHaveLength(0);
    expect(await store.request('tg', 'e')).toEqual({ status: 'created', request: expect.objectContaining({ sender: 'e' }) });
  });

  it('persists atomically (0600) and reloads; a channel id is never a path', async () => {
    const dir = useTempDir().dir;
    const store = new PairingStore(dir);
    await store.load('irc');
    const { request } = (await store.request('irc', 'nick', 'Nick', '#dm')) as { request: { code: string } };
    await store.approve('irc', request.code.toLowerCase());
    const file = join(dir, 'credentials', 'pairing', 'irc.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1, pending: [], approved: [{ sender: 'nick', senderName: 'Nick' }] });
    const reloaded = new PairingStore(dir);
    expect(await reloaded.loadAll()).toEqual(['irc']);
    expect(reloaded.approvedSenders('irc').map((e) => e.sender)).toEqual(['nick']);
    for (const bad of ['../x', 'a/b', '..', '', 'A']) await expect(reloaded.load(bad)).rejects.toThrow(/invalid channel id/);
  });
});
