import { describe, expect, it } from 'vitest';
import { buildTiers, selectTiers } from '../../../plugins/cache/build-tiers.ts';
import type { CacheStore, StoreRegistry } from '../../../sdk/cache/store-contract.ts';
import { flakyStore } from './helpers.ts';

const quiet = { probeIntervalMs: 1_000, alertWindowMs: 1_000, alert: () => {}, log: { warn: () => {}, info: () => {} } };

function registry(entries: [string, number, () => CacheStore | Promise<CacheStore>][]): StoreRegistry {
  return new Map(entries.map(([name, rank, create]) => [name, { plugin: `cache-${name}`, rank, create }]));
}

function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('selectTiers', () => {
  const stores = registry([['redis', 20, flakyStore], ['memory', 0, flakyStore], ['disk', 10, flakyStore]]);

  it('follows cache.tiers, in its order', () => {
    expect(selectTiers(['disk', 'memory'], stores).map((tier) => tier.name)).toEqual(['disk', 'memory']);
  });

  it('without cache.tiers uses every registered store, fastest (lowest rank) first', () => {
    expect(selectTiers(undefined, stores).map((tier) => tier.name)).toEqual(['memory', 'disk', 'redis']);
  });

  it('names the config path and the plugin to add for an unknown tier (a config error, exit 78)', () => {
    const error = thrown(() => selectTiers(['memory', 'memcached'], stores));
    expect(error.code).toBe('MOLT_ERR_CONFIG_INVALID');
    expect(error.exitCode).toBe(78);
    expect(error.path).toBe('cache.tiers[1]');
    expect(error.describe()).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_INVALID: cache.tiers[1] names tier "memcached", which no store plugin provides (provided: redis, memory, disk)
        at plugin "cache", path cache.tiers[1]
        fix: Add the store plugin that registers tier "memcached" to \`plugins\`, or remove "memcached" from cache.tiers."
    `);
    expect(thrown(() => selectTiers(['redis'], new Map())).describe()).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_INVALID: cache.tiers[0] names tier "redis", which no store plugin provides (no store plugin is registered)
        at plugin "cache", path cache.tiers[0]
        fix: Add "cache-redis" to \`plugins\`, or remove "redis" from cache.tiers."
    `);
  });

  it('refuses a tier listed twice', () => {
    expect(thrown(() => selectTiers(['memory', 'disk', 'memory'], stores)).message).toMatchInlineSnapshot(`"cache.tiers[2] names tier "memory" a second time"`);
  });
});

describe('buildTiers', () => {
  it('closes the stores it already built when a later one fails, and names the store plugin', async () => {
    const built = flakyStore();
    let closed = 0;
    const first = { ...built, close: async () => { closed++; } };
    const stores = registry([
      ['memory', 0, () => first],
      ['disk', 10, () => { throw new Error('EACCES: permission denied, open \'/state/cache/cache.sqlite\''); }],
    ]);
    let error: any;
    try {
      await buildTiers(selectTiers(undefined, stores), quiet);
    } catch (caught) {
      error = caught;
    }
    expect(closed).toBe(1);
    expect(error.code).toBe('MOLT_ERR_PLUGIN_SETUP_FAILED');
    expect(error.plugin).toBe('cache-disk');
    expect(error.message).toMatchInlineSnapshot(`"Cache tier "disk" (plugin "cache-disk") could not be created: EACCES: permission denied, open '/state/cache/cache.sqlite'"`);
  });

  it('builds the tiers in order, each knowing its plugin', async () => {
    const tiers = await buildTiers(selectTiers(['memory', 'disk'], registry([['memory', 0, flakyStore], ['disk', 10, flakyStore]])), quiet);
    expect(tiers.map((tier) => [tier.name, tier.plugin])).toEqual([['memory', 'cache-memory'], ['disk', 'cache-disk']]);
    await Promise.all(tiers.map((tier) => tier.close()));
  });
});
