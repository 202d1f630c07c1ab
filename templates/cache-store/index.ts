/**
 * __NAME__: a tier for Moltbot's `cache` plugin. It registers a store factory through the
 * cache's `stores` hook; the cache builds it at start when the root config's `cache.tiers`
 * lists the tier (or when `cache.tiers` is unset). The store here keeps entries in a bounded
 * in-process Map: replace `createStore` with your backend's Keyv adapter (Memcached, Valkey,
 * a database) and keep the rest.
 */
import { Keyv, KeyvMemoryAdapter } from 'keyv';
import { getCacheHooks, type CacheStore } from 'moltbot/plugin-sdk/cache';
import { definePlugin } from 'moltbot/plugin-sdk/core';
import schema from './schema.json' with { type: 'json' };

export interface Options {
  tier: string;
  rank: number;
  maxEntries: number;
}

/** A Map that forgets its oldest write beyond `max` entries. */
class BoundedMap<K, V> extends Map<K, V> {
  readonly #max: number;
  constructor(max: number) {
    super();
    this.#max = max;
  }
  override set(key: K, value: V): this {
    this.delete(key);
    super.set(key, value);
    if (this.size > this.#max) this.delete(this.keys().next().value as K);
    return this;
  }
}

export function createStore(options: Options): CacheStore {
  const map = new BoundedMap<string, unknown>(options.maxEntries);
  return {
    timeoutMs: 0,
    // serialization off: an in-process store keeps values as they are. A remote store keeps
    // Keyv's default (JSON) and sets timeoutMs to what a slow answer may cost.
    keyv: (namespace) => new Keyv({ store: new KeyvMemoryAdapter(map), serialization: false, namespace }),
    stats: () => ({ entries: map.size, max_entries: options.maxEntries }),
    close: async () => map.clear(),
  };
}

export default definePlugin<Options>({
  name: '__NAME__',
  version: '0.1.0',
  kernel: '__MOLTBOT_RANGE__',
  description: 'A Moltbot cache store: a tier for the cache plugin, chosen by cache.tiers.',
  schema,
  defaults: { tier: '__NAME__', rank: 15, maxEntries: 10_000 },
  // The cache exposes the `stores` hook in its setup, so it must be set up first.
  dependencies: ['cache'],
  setup(ctx, options) {
    getCacheHooks(ctx).stores.tap(ctx.name, (stores) => stores.set(options.tier, {
      plugin: ctx.name,
      rank: options.rank,
      create: () => createStore(options),
    }));
  },
});
