import { afterEach, describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { TieredCache } from '../../../plugins/cache/tiered-cache.ts';
import { createDiskStore } from '../../../plugins/cache-disk/disk-store.ts';
import { createMemoryStore } from '../../../plugins/cache-memory/memory-store.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { standaloneCache } from './helpers.ts';

const T0 = Date.parse('2030-01-01T00:00:00Z');

function memory() {
  return createMemoryStore({ maxEntries: 1000, maxBytes: 1_000_000, sweepIntervalMs: 60_000 });
}

function disk() {
  return createDiskStore({ path: join(useTempDir('moltbot-cache-').dir, 'cache.sqlite'), maxEntries: 1000, sweepIntervalMs: 60_000 });
}

async function rejection(work: Promise<unknown> | (() => unknown)): Promise<any> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

afterEach(() => {
  vi.useRealTimers();
});

describe('tiered reads and writes', () => {
  it('writes through to every tier and reads the fastest first', async () => {
    const { cache, tiers } = await standaloneCache([['memory', memory()], ['disk', disk()]]);
    const ns = cache.namespace('agent');
    await ns.set('user:1', { name: 'Ada' });
    expect(await tiers[0]!.keyv('agent').get('user:1')).toEqual({ name: 'Ada' });
    expect(await tiers[1]!.keyv('agent').get('user:1')).toEqual({ name: 'Ada' });
    expect(await ns.get('user:1')).toEqual({ name: 'Ada' });
    expect(tiers[0]!.metrics.hits).toBe(1);
    expect(tiers[1]!.metrics.reads).toBe(0);
  });

  it('promotes a lower-tier hit upward with the REMAINING ttl, and it expires on time there', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const { cache, tiers } = await standaloneCache([['memory', memory()], ['disk', disk()]]);
    const ns = cache.namespace('agent');
    await ns.set('k', 'v', 10_000);
    await tiers[0]!.keyv('agent').delete('k');
    vi.setSystemTime(T0 + 4_000);
    expect(await ns.get('k')).toBe('v');
    expect(tiers[1]!.metrics.hits).toBe(1);
    // The copy in memory keeps the original deadline: 6 s left, not a fresh 10 s.
    expect(await tiers[0]!.keyv('agent').getRaw('k')).toEqual({ value: 'v', expires: T0 + 10_000 });
    vi.setSystemTime(T0 + 9_999);
    expect(await ns.get('k')).toBe('v');
    expect(tiers[0]!.metrics.hits).toBe(1);
    vi.setSystemTime(T0 + 10_001);
    expect(await ns.get('k')).toBeUndefined();
    expect(await tiers[0]!.keyv('agent').getRaw('k')).toBeUndefined();
    expect(await tiers[1]!.keyv('agent').getRaw('k')).toBeUndefined();
  });

  it.each([
    ['memory', memory],
    ['disk', disk],
  ] as const)('honours expiry in the %s tier on its own', async (name, make) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const { cache } = await standaloneCache([[name, make()]]);
    const ns = cache.namespace('p');
    await ns.set('short', 1, 1_000);
    await ns.set('forever', 2, Number.POSITIVE_INFINITY);
    vi.setSystemTime(T0 + 999);
    expect(await ns.get('short')).toBe(1);
    vi.setSystemTime(T0 + 1_001);
    expect(await ns.get('short')).toBeUndefined();
    vi.setSystemTime(T0 + 365 * 24 * 3600_000);
    expect(await ns.get('forever')).toBe(2);
  });

  it('uses the default ttl when set() gets none', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const { cache, tiers } = await standaloneCache([['memory', memory()]], { defaultTtlMs: 300_000 });
    await cache.namespace('p').set('k', 'v');
    expect(await tiers[0]!.keyv('p').getRaw('k')).toEqual({ value: 'v', expires: T0 + 300_000 });
  });

  it('delete and clear reach every tier; namespaces never see each other', async () => {
    const { cache, tiers } = await standaloneCache([['memory', memory()], ['disk', disk()]]);
    const a = cache.namespace('plugin-a');
    const b = cache.namespace('plugin-b');
    await a.set('k', 'a');
    await b.set('k', 'b');
    await a.set('other', 'a2');
    expect(await a.get('k')).toBe('a');
    expect(await b.get('k')).toBe('b');
    await a.delete('other');
    for (const tier of tiers) expect(await tier.keyv('plugin-a').get('other')).toBeUndefined();
    await a.clear();
    expect(await a.get('k')).toBeUndefined();
    expect(await b.get('k')).toBe('b');
    for (const tier of tiers) expect(await tier.keyv('plugin-b').get('k')).toBe('b');
    expect(cache.namespace('plugin-a')).toBe(a);
  });
});

describe('wrap', () => {
  it('calls fn once for concurrent misses (single-flight) and serves the cached value after', async () => {
    const { cache } = await standaloneCache([['memory', memory()], ['disk', disk()]]);
    const ns = cache.namespace('p');
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fn = async () => {
      calls++;
      await gate;
      return { answer: 42 };
    };
    const pending = Array.from({ length: 8 }, () => ns.wrap('q', 5_000, fn));
    release();
    const results = await Promise.all(pending);
    expect(results).toEqual(Array.from({ length: 8 }, () => ({ answer: 42 })));
    expect(calls).toBe(1);
    expect(await ns.wrap('q', 5_000, fn)).toEqual({ answer: 42 });
    expect(calls).toBe(1);
    expect(await ns.get('q')).toEqual({ answer: 42 });
  });

  it('shares a failure with every waiter, caches nothing, and calls fn again next time', async () => {
    const { cache } = await standaloneCache([['memory', memory()]]);
    const ns = cache.namespace('p');
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('source down');
    };
    const errors = await Promise.all([ns.wrap('k', 1_000, failing), ns.wrap('k', 1_000, failing)].map((p) => rejection(p)));
    expect(errors.map((e) => e.message)).toEqual(['source down', 'source down']);
    expect(calls).toBe(1);
    expect(await ns.get('k')).toBeUndefined();
    expect(await ns.wrap('k', 1_000, async () => 'ok')).toBe('ok');
  });

  it('does not cache an undefined result', async () => {
    const { cache } = await standaloneCache([['memory', memory()]]);
    const ns = cache.namespace('p');
    let calls = 0;
    const fn = () => {
      calls++;
      return undefined;
    };
    expect(await ns.wrap('k', undefined, fn)).toBeUndefined();
    expect(await ns.wrap('k', undefined, fn)).toBeUndefined();
    expect(calls).toBe(2);
  });
});

describe('caller mistakes throw; everything else is a miss', () => {
  it('rejects bad keys, ttls, values and namespace names with messages that say what to pass', async () => {
    const { cache } = await standaloneCache([['memory', memory()]]);
    const ns = cache.namespace('p');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const messages = [
      (await rejection(ns.get(''))).message,
      (await rejection(ns.set('k', 1, 0))).message,
      (await rejection(ns.set('k', 1, Number.NaN))).message,
      (await rejection(ns.set('k', undefined))).message,
      (await rejection(ns.set('k', circular))).message,
      (await rejection(ns.set('k', () => 1))).message,
      (await rejection(() => ns.wrap('k', -5, () => 1))).message,
      (await rejection(() => cache.namespace(''))).message,
    ];
    expect(messages).toMatchInlineSnapshot(`
      [
        "cache key must be a non-empty string (got "")",
        "ttlMs must be a positive number of milliseconds or Infinity (got 0)",
        "ttlMs must be a positive number of milliseconds or Infinity (got NaN)",
        "cache.set("k"): undefined cannot be cached (a read of it would be a miss); use delete()",
        "cache.set("k"): the value cannot be stored as JSON (Converting circular structure to JSON); cache values must be JSON data (Buffer and BigInt allowed)",
        "cache.set("k"): a function cannot be stored as JSON; cache values must be JSON data (Buffer and BigInt allowed)",
        "ttlMs must be a positive number of milliseconds or Infinity (got -5)",
        "cache.namespace(name): name must be a non-empty string (got "")",
      ]
    `);
  });

  it('refuses use before the kernel started, and answers misses after close', async () => {
    const pending = new TieredCache({ defaultTtlMs: 1_000 });
    const error = await rejection(pending.namespace('early').get('k'));
    expect(error.code).toBe('MOLT_ERR_KERNEL_PHASE');
    expect(error.message).toMatchInlineSnapshot(`"cache namespace "early" used before the kernel started (the cache builds its tiers in the start hook)"`);

    const { cache } = await standaloneCache([['memory', memory()]]);
    const ns = cache.namespace('p');
    await ns.set('k', 'v');
    await cache.close();
    expect(await ns.get('k')).toBeUndefined();
    await ns.set('k', 'v2');
    expect(await ns.wrap('k', 1_000, () => 'fresh')).toBe('fresh');
  });

  it('accepts Buffer and BigInt values, which Keyv serializes for the disk tier', async () => {
    const { cache, tiers } = await standaloneCache([['memory', memory()], ['disk', disk()]]);
    const ns = cache.namespace('p');
    await ns.set('big', 2n ** 70n);
    await ns.set('bytes', Buffer.from('hello'));
    await tiers[0]!.keyv('p').clear();
    expect(await ns.get('big')).toBe(2n ** 70n);
    expect(Buffer.from(await ns.get<Uint8Array>('bytes') as Uint8Array).toString()).toBe('hello');
  });
});
