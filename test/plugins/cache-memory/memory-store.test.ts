import { afterEach, describe, expect, it, vi } from 'vitest';
import { approximateBytes, createMemoryStore } from '../../../plugins/cache-memory/memory-store.ts';
import type { CacheStore } from '../../../sdk/cache/store-contract.ts';

const T0 = Date.parse('2030-01-01T00:00:00Z');
let open: CacheStore[] = [];

function store(options: Partial<{ maxEntries: number; maxBytes: number; sweepIntervalMs: number }> = {}) {
  const created = createMemoryStore({ maxEntries: 1000, maxBytes: 1_000_000, sweepIntervalMs: 60_000, ...options });
  open.push(created);
  return created;
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(open.map((s) => s.close()));
  open = [];
});

describe('memory store', () => {
  it('getNow reads what a namespace\'s Keyv stored with setRaw, at once', async () => {
    const s = store();
    const entry = { value: { live: true }, expires: undefined };
    await s.keyv('agent-sessions').setRaw('agent:main:x', entry);
    expect(s.getNow!('agent-sessions', 'agent:main:x')).toBe(entry);
    expect(s.getNow!('other', 'agent:main:x')).toBeUndefined();
    expect(s.getNow!('agent-sessions', 'absent')).toBeUndefined();
  });

  it('before its first write (the LRU is made then) it reads as empty, and a write works as usual', async () => {
    const s = store();
    const keyv = s.keyv('p');
    expect(await keyv.get('a')).toBeUndefined();
    expect(await keyv.has('a')).toBe(false);
    expect(await keyv.delete('a')).toBe(false);
    await keyv.clear();
    expect(s.getNow!('p', 'a')).toBeUndefined();
    expect(s.stats!()).toEqual({ entries: 0, bytes: 0, maxEntries: 1000, maxBytes: 1_000_000 });
    await keyv.set('a', { n: 1 });
    expect(await keyv.get('a')).toEqual({ n: 1 });
    expect(s.stats!().entries).toBe(1);
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const s = store({ maxEntries: 3 });
    const keyv = s.keyv('p');
    for (const key of ['a', 'b', 'c']) await keyv.set(key, key);
    await keyv.get('a');
    await keyv.set('d', 'd');
    expect(await Promise.all(['a', 'b', 'c', 'd'].map((key) => keyv.get(key)))).toEqual(['a', undefined, 'c', 'd']);
    expect(s.stats!().entries).toBe(3);
  });

  it('stays within maxBytes, counting key plus JSON length', async () => {
    const s = store({ maxBytes: 2048 });
    const keyv = s.keyv('p');
    const payload = 'x'.repeat(500);
    for (let i = 0; i < 10; i++) await keyv.set(`k${i}`, payload);
    const { entries, bytes } = s.stats!();
    expect(bytes).toBeLessThanOrEqual(2048);
    expect(entries).toBe(Math.floor(2048 / approximateBytes('p::k0', payload)));
    expect(await keyv.get('k9')).toBe(payload);
    expect(await keyv.get('k0')).toBeUndefined();
  });

  it('keeps values as they are (no serialization): the same object comes back', async () => {
    const keyv = store().keyv('p');
    const value = { nested: { list: [1, 2] } };
    await keyv.set('k', value);
    expect(await keyv.get('k')).toBe(value);
  });

  it('drops expired entries in the sweep, so they stop holding bytes', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
    vi.setSystemTime(T0);
    const s = store({ sweepIntervalMs: 1_000 });
    const keyv = s.keyv('p');
    await keyv.set('short', 'x'.repeat(100), 500);
    await keyv.set('long', 'y', 60_000);
    expect(s.stats!().entries).toBe(2);
    vi.advanceTimersByTime(1_000);
    expect(s.stats!()).toMatchObject({ entries: 1, bytes: approximateBytes('p::long', 'y') });
  });

  it('shares one bound across namespaces and clears one namespace only', async () => {
    const s = store({ maxEntries: 4 });
    const a = s.keyv('a');
    const b = s.keyv('b');
    await a.set('1', 1);
    await a.set('2', 2);
    await b.set('1', 'b1');
    await b.set('2', 'b2');
    await a.set('3', 3);
    expect(s.stats!().entries).toBe(4);
    await a.clear();
    expect(await a.get('3')).toBeUndefined();
    expect(await b.get('2')).toBe('b2');
  });

  it('measures values that are not JSON by their string form', () => {
    expect(approximateBytes('k', 10n)).toBe(1 + '"10n"'.length);
    expect(approximateBytes('k', undefined)).toBe(1 + 'undefined'.length);
  });
});
