import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createDiskStore } from '../../../plugins/cache-disk/disk-store.ts';
import { createMemoryStore } from '../../../plugins/cache-memory/memory-store.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { standaloneCache } from './helpers.ts';

const memory = () => createMemoryStore({ maxEntries: 1000, maxBytes: 1_000_000, sweepIntervalMs: 60_000 });
const disk = () => createDiskStore({ path: join(useTempDir('moltbot-cache-').dir, 'cache.sqlite'), maxEntries: 1000, sweepIntervalMs: 60_000 });

describe('namespace options', () => {
  it('tiers: a memory-only namespace never reaches the disk tier, and keeps values by reference', async () => {
    const { cache, tiers } = await standaloneCache([['memory', memory()], ['disk', disk()]]);
    const live = cache.namespace('live', { tiers: ['memory'] });
    const value = { items: [1] };
    await live.set('k', value);
    expect(await tiers[1]!.keyv('live').get('k')).toBeUndefined();
    expect(await live.get('k')).toBe(value);
    expect(tiers[1]!.metrics.reads).toBe(0);
  });

  it('peek: a memory hit answers at once, by reference; a miss, an expired entry or a tier without getNow is undefined', async () => {
    const { cache, tiers } = await standaloneCache([['memory', memory()], ['disk', disk()]]);
    const live = cache.namespace('live', { tiers: ['memory'] });
    const value = { items: [1] };
    await live.set('k', value);
    expect(live.peek!('k')).toBe(value);
    expect(live.peek!('absent')).toBeUndefined();
    await live.set('short', 1, 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(live.peek!('short')).toBeUndefined();
    expect(tiers[0]!.metrics.hits).toBe(1);
    expect(tiers[0]!.metrics.misses).toBe(2);
    expect(tiers[0]!.metrics.reads).toBe(3);
    // The disk tier answers only through I/O: peek leaves it to get().
    const onDisk = cache.namespace('stored', { tiers: ['disk'] });
    await onDisk.set('k', 'v');
    expect(onDisk.peek!('k')).toBeUndefined();
    expect(await onDisk.get('k')).toBe('v');
    expect(() => live.peek!('')).toThrow(TypeError);
  });

  it('peek keeps maxEntries\' recency: a key read by peek is not the one evicted next', async () => {
    const { cache } = await standaloneCache([['memory', memory()]]);
    const bounded = cache.namespace('bounded', { tiers: ['memory'], maxEntries: 2 });
    await bounded.set('a', 1);
    await bounded.set('b', 2);
    expect(bounded.peek!('a')).toBe(1);
    await bounded.set('c', 3);
    expect([bounded.peek!('a'), bounded.peek!('b'), bounded.peek!('c')]).toEqual([1, undefined, 3]);
  });

  it('tiers naming no configured tier: every read is a miss, nothing is stored', async () => {
    const { cache, tiers } = await standaloneCache([['disk', disk()]]);
    const live = cache.namespace('live', { tiers: ['memory'] });
    await live.set('k', 1);
    expect(await live.get('k')).toBeUndefined();
    expect(await tiers[0]!.keyv('live').get('k')).toBeUndefined();
  });

  it('maxEntries: the least recently used key leaves every tier of the namespace, others are untouched', async () => {
    const { cache, tiers } = await standaloneCache([['memory', memory()], ['disk', disk()]]);
    const bounded = cache.namespace('bounded', { maxEntries: 2 });
    const other = cache.namespace('other');
    await other.set('a', 'other-a');
    await bounded.set('a', 1);
    await bounded.set('b', 2);
    expect(await bounded.get('a')).toBe(1); // a is now the most recent
    await bounded.set('c', 3); // evicts b
    expect(await bounded.get('b')).toBeUndefined();
    expect(await tiers[1]!.keyv('bounded').get('b')).toBeUndefined();
    expect([await bounded.get('a'), await bounded.get('c'), await other.get('a')]).toEqual([1, 3, 'other-a']);
    await bounded.delete('a');
    await bounded.set('d', 4);
    expect(await bounded.get('c')).toBe(3);
  });

  it('one namespace has one set of options; maxEntries must be a positive integer', async () => {
    const { cache } = await standaloneCache([['memory', memory()]]);
    cache.namespace('x', { maxEntries: 2 });
    expect(cache.namespace('x', { maxEntries: 2 }).name).toBe('x');
    expect(() => cache.namespace('x', { maxEntries: 3 })).toThrow(/first opened with options \{"maxEntries":2\}/);
    expect(() => cache.namespace('y', { maxEntries: 0 })).toThrow(/maxEntries must be a positive integer/);
  });
});
