/**
 * The contract between the `cache` plugin and the plugins that provide its tiers. A store
 * plugin (first-party `cache-memory`, `cache-disk`, `cache-redis`, or a user's Memcached or
 * Valkey store) taps `stores` in its setup and adds a registration under its tier name; the
 * cache builds only the tiers `cache.tiers` names, when the kernel starts.
 *
 * ```ts
 * setup(ctx) {
 *   ctx.hooksOf(cacheHooksRef).stores.tap(ctx.name, (stores) => stores.set('memcached', {
 *     plugin: ctx.name, rank: 15,
 *     create: () => ({ timeoutMs: 200, keyv: (ns) => new Keyv(new KeyvMemcache(url), { namespace: ns }), close: ... }),
 *   }));
 * }
 * ```
 */
import tapable from 'tapable';
import type { Keyv } from 'keyv';

/** What a tier holds for one key: the value and its absolute expiry (Unix ms; absent = never). */
export interface CacheEntry<Value = unknown> {
  value: Value;
  expires?: number | undefined;
}

export interface CacheStore {
  /**
   * A Keyv scoped to one cache namespace. Called once per namespace (the cache keeps the
   * instance); every instance may share one connection or one underlying map. The cache
   * attaches its own `error` listener, reads with `getRaw` and writes with `setRaw`, so the
   * absolute expiry travels between tiers unchanged.
   */
  keyv(namespace: string): Keyv;
  /**
   * Per-operation timeout the cache applies, in ms. 0 for in-process stores whose calls
   * finish within the same turn of the event loop: a timer could never fire first.
   */
  readonly timeoutMs: number;
  /** Strings that must never appear in a message (connection URLs, passwords). */
  readonly secrets?: readonly string[];
  /**
   * A read that answers at once, for a store that lives in the process (memory): the entry
   * `setRaw` stored under `key` in `namespace` (its expiry not yet checked), or undefined. With
   * it, `CacheNamespace.peek` answers a hit in this tier without a promise or a Keyv call.
   */
  getNow?(namespace: string, key: string): CacheEntry | undefined;
  /** Liveness check while the tier is degraded; without it the cache probes with a read. */
  ping?(): Promise<unknown>;
  /** Figures the store measures itself, reported per tier on `collectMetrics`. */
  stats?(): Record<string, number>;
  /** Releases connections, timers and files; called once when the cache closes. */
  close(): Promise<void>;
}

export type StoreFactory = () => CacheStore | Promise<CacheStore>;

export interface StoreRegistration {
  /** The plugin that registered the store (named in errors and health). */
  plugin: string;
  /**
   * Position when `cache.tiers` is not configured: lower is faster and read first
   * (first-party: memory 0, disk 10, redis 20).
   */
  rank: number;
  create: StoreFactory;
  /**
   * Whether the backend would answer, without opening the store for use (no connection kept,
   * no sweep, nothing written): `moltbot doctor` calls it in a process where the cache is not
   * started. Rejects with the reason, secrets removed. Absent: the store lives in the process
   * and is healthy whenever the process runs (memory).
   */
  probe?(): Promise<void>;
}

/** Tier name → registration. Taps add to the map and return it. */
export type StoreRegistry = Map<string, StoreRegistration>;

export function createCacheHooks() {
  return {
    /** Store plugins register their tier factories here (SyncWaterfallHook over a Map). */
    stores: new tapable.SyncWaterfallHook<[StoreRegistry]>(['stores'], 'cache.stores'),
  };
}

export type CacheHooks = ReturnType<typeof createCacheHooks>;
