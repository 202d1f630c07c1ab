/**
 * What the `cache` service offers its users: tiers composed into one cache. Reads go fastest
 * tier first and copy a hit into the faster tiers with the entry's REMAINING lifetime; writes
 * and deletes go to every tier. A tier that fails or is slow is a miss, never an exception: only
 * caller mistakes (bad key, bad ttl, use before start) throw. The `cache` plugin implements it.
 */

/** Health of one tier, as `health()` and doctor report it. */
export interface TierStatus {
  name: string;
  status: 'ok' | 'degraded';
  /** When the tier became degraded (Unix ms). */
  since?: number;
  /** The last failure, with secrets removed. */
  lastError?: string;
}

export interface CacheNamespace {
  readonly name: string;
  /** The value, or undefined on a miss (a failing tier counts as a miss). */
  get<T = unknown>(key: string): Promise<T | undefined>;
  /**
   * The value if this namespace's fastest tier can answer at once (an in-process store such as
   * memory) and holds it, else undefined: a miss there, a degraded tier or one that needs I/O —
   * then `get` or `wrap` reads every tier. For hot paths that read the same live value often.
   * Optional: a cache service written before it (another plugin providing `cache`) lacks it.
   */
  peek?<T = unknown>(key: string): T | undefined;
  /** Writes to every tier. `ttlMs` defaults to `cache.ttl`; `Infinity` never expires. */
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * The cached value, or `fn()`'s result, cached for `ttlMs`. Concurrent calls for one key
   * share one lookup and one `fn()` call (single-flight); an `undefined` result is not cached.
   */
  wrap<T>(key: string, ttlMs: number | undefined, fn: () => T | Promise<T>): Promise<T>;
  /** Removes every key of this namespace from every tier. */
  clear(): Promise<void>;
}

export interface NamespaceOptions {
  /**
   * Only these tiers, by name (e.g. `['memory']` for live in-process values that must not be
   * copied to disk or shared through Redis). Default: every tier. A name that is not
   * configured is simply absent: with none left, every read is a miss.
   */
  tiers?: readonly string[];
  /** Most keys this namespace keeps; beyond it the least recently used key is deleted. */
  maxEntries?: number;
}

export interface CacheHealth {
  status: 'ok' | 'degraded';
  tiers: (TierStatus & { plugin: string; errors: number })[];
}

export interface CacheService {
  /**
   * Keys of one namespace never meet another's; by convention the namespace is the plugin name.
   * Options are fixed by the first call for a name; a later call with other options throws.
   */
  namespace(name: string, options?: NamespaceOptions): CacheNamespace;
  health(): CacheHealth;
  /** Tier names, fastest first (empty until the kernel started). */
  readonly tiers: readonly string[];
}
