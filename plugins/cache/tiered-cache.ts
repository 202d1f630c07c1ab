/**
 * The `cache` service: tiers composed into one cache. Reads go fastest tier first and copy a
 * hit into the faster tiers with the entry's REMAINING lifetime (the absolute expiry travels
 * unchanged); writes and deletes go to every tier. A tier that fails or is slow is a miss,
 * never an exception: only caller mistakes (bad key, bad ttl, use before start) throw.
 */
import type { Keyv } from 'keyv';
import { MoltbotError } from '../../sdk/core/index.ts';
import type { CacheEntry, CacheNamespace, CacheHealth, CacheService, NamespaceOptions } from '../../sdk/cache/index.ts';
import { jsonLength } from './serializable.ts';
import type { Tier } from './tier.ts';

export interface TieredCacheOptions {
  /** Lifetime of an entry written without a ttl (root `cache.ttl`). */
  defaultTtlMs: number;
}

export class TieredCache implements CacheService {
  /** Set once the kernel started; a plain array so the hot path indexes it directly. */
  layers: Tier[] = [];
  state: 'pending' | 'ready' | 'closed' = 'pending';
  readonly defaultTtlMs: number;
  readonly #namespaces = new Map<string, Namespace>();

  constructor(options: TieredCacheOptions) {
    assertTtl(options.defaultTtlMs, 'cache.ttl');
    this.defaultTtlMs = options.defaultTtlMs;
  }

  get tiers(): readonly string[] {
    return this.layers.map((tier) => tier.name);
  }

  attach(tiers: Tier[]): void {
    if (this.state !== 'pending') throw new MoltbotError('MOLT_ERR_KERNEL_PHASE', { message: `cache tiers attached while the cache is ${this.state}`, plugin: 'cache' });
    this.layers = tiers;
    this.state = 'ready';
  }

  namespace(name: string, options: NamespaceOptions = {}): CacheNamespace {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(`cache.namespace(name): name must be a non-empty string (got ${typeof name === 'string' ? '""' : typeof name})`);
    }
    const { maxEntries } = options;
    if (maxEntries !== undefined && !(Number.isInteger(maxEntries) && maxEntries > 0)) {
      throw new RangeError(`cache.namespace("${name}"): maxEntries must be a positive integer (got ${String(maxEntries)})`);
    }
    let namespace = this.#namespaces.get(name);
    if (!namespace) {
      namespace = new Namespace(this, name, options);
      this.#namespaces.set(name, namespace);
    } else if (JSON.stringify(namespace.options) !== JSON.stringify(options)) {
      throw new TypeError(`cache.namespace("${name}") was first opened with options ${JSON.stringify(namespace.options)}, now with ${JSON.stringify(options)}: one namespace has one set of options`);
    }
    return namespace;
  }

  health(): CacheHealth {
    const tiers = this.layers.map((tier) => ({ ...tier.health.status(), plugin: tier.plugin, errors: tier.metrics.errors }));
    return { status: tiers.some((tier) => tier.status === 'degraded') ? 'degraded' : 'ok', tiers };
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const results = await Promise.allSettled(this.layers.map((tier) => tier.close()));
    const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} cache tier(s) failed to close`);
  }
}

class Namespace implements CacheNamespace {
  readonly name: string;
  readonly options: NamespaceOptions;
  readonly #cache: TieredCache;
  /** This namespace's tiers (all, or the ones its options name) and their keyv views, bound once the cache is ready. */
  #tiers: Tier[] = [];
  #keyvs: Keyv[] | undefined;
  readonly #inflight = new Map<string, Promise<unknown>>();
  /** Keys by recency (oldest first), kept only under `maxEntries`. */
  readonly #recent: Map<string, true> | undefined;

  constructor(cache: TieredCache, name: string, options: NamespaceOptions) {
    this.#cache = cache;
    this.name = name;
    this.options = options;
    if (options.maxEntries !== undefined) this.#recent = new Map();
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    assertKey(key);
    const keyvs = this.#cache.state === 'ready' ? (this.#keyvs ??= this.#bind()) : this.#unavailable();
    if (keyvs === undefined) return undefined;
    const tiers = this.#tiers;
    for (let i = 0; i < tiers.length; i++) {
      const entry = await tiers[i]!.get(keyvs[i]!, key);
      if (entry !== undefined) {
        if (i > 0) await this.#promote(i, key, entry);
        if (this.#recent) this.#touch(key);
        return entry.value as T;
      }
    }
    return undefined;
  }

  peek<T = unknown>(key: string): T | undefined {
    assertKey(key);
    if (this.#cache.state !== 'ready') {
      this.#unavailable();
      return undefined;
    }
    this.#keyvs ??= this.#bind();
    const entry = this.#tiers[0]?.getNow(this.name, key);
    if (entry === undefined || entry === null) return undefined;
    if (this.#recent) this.#touch(key);
    return entry.value as T;
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    assertKey(key);
    if (value === undefined) throw new TypeError(`cache.set("${key}"): undefined cannot be cached (a read of it would be a miss); use delete()`);
    const ttl = ttlMs ?? this.#cache.defaultTtlMs;
    assertTtl(ttl, 'ttlMs');
    jsonLength(key, value);
    const keyvs = this.#cache.state === 'ready' ? (this.#keyvs ??= this.#bind()) : this.#unavailable();
    if (keyvs === undefined) return;
    const entry: CacheEntry = { value, expires: ttl === Number.POSITIVE_INFINITY ? undefined : Date.now() + ttl };
    const tiers = this.#tiers;
    const evicted = this.#recent ? this.#touch(key) : undefined;
    if (evicted !== undefined) await this.#deleteFromTiers(keyvs, evicted);
    if (tiers.length === 1) return tiers[0]!.set(keyvs[0]!, key, entry);
    await Promise.all(tiers.map((tier, i) => tier.set(keyvs[i]!, key, entry)));
  }

  async delete(key: string): Promise<void> {
    assertKey(key);
    const keyvs = this.#cache.state === 'ready' ? (this.#keyvs ??= this.#bind()) : this.#unavailable();
    if (keyvs === undefined) return;
    this.#recent?.delete(key);
    await this.#deleteFromTiers(keyvs, key);
  }

  async clear(): Promise<void> {
    const keyvs = this.#cache.state === 'ready' ? (this.#keyvs ??= this.#bind()) : this.#unavailable();
    if (keyvs === undefined) return;
    this.#recent?.clear();
    await Promise.all(this.#tiers.map((tier, i) => tier.clear(keyvs[i]!)));
  }

  #deleteFromTiers(keyvs: Keyv[], key: string): Promise<unknown> {
    return Promise.all(this.#tiers.map((tier, i) => tier.delete(keyvs[i]!, key)));
  }

  /** Marks `key` most recent; returns the key that fell out of the `maxEntries` bound, if one did. */
  #touch(key: string): string | undefined {
    const recent = this.#recent!;
    recent.delete(key);
    recent.set(key, true);
    if (recent.size <= this.options.maxEntries!) return undefined;
    const oldest = recent.keys().next().value as string;
    recent.delete(oldest);
    return oldest;
  }

  wrap<T>(key: string, ttlMs: number | undefined, fn: () => T | Promise<T>): Promise<T> {
    assertKey(key);
    if (ttlMs !== undefined) assertTtl(ttlMs, 'ttlMs');
    if (typeof fn !== 'function') throw new TypeError(`cache.wrap("${key}"): fn must be a function`);
    const pending = this.#inflight.get(key);
    if (pending) return pending as Promise<T>;
    const work = this.#load(key, ttlMs, fn).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, work);
    return work;
  }

  async #load<T>(key: string, ttlMs: number | undefined, fn: () => T | Promise<T>): Promise<T> {
    const cached = await this.get<T>(key);
    if (cached !== undefined) return cached;
    const fresh = await fn();
    if (fresh !== undefined) await this.set(key, fresh, ttlMs);
    return fresh;
  }

  /** Copies a hit into the faster tiers, keeping its absolute expiry (= the remaining ttl). */
  async #promote(hitTier: number, key: string, entry: CacheEntry): Promise<void> {
    if (entry.expires !== undefined && entry.expires <= Date.now()) return;
    const copy: CacheEntry = { value: entry.value, expires: entry.expires };
    const tiers = this.#tiers;
    const keyvs = this.#keyvs!;
    const writes: Promise<void>[] = [];
    for (let i = 0; i < hitTier; i++) writes.push(tiers[i]!.set(keyvs[i]!, key, copy));
    await Promise.all(writes);
  }

  #bind(): Keyv[] {
    const only = this.options.tiers;
    this.#tiers = only === undefined ? this.#cache.layers : this.#cache.layers.filter((tier) => only.includes(tier.name));
    return this.#tiers.map((tier) => tier.keyv(this.name));
  }

  /** Before start a caller bug; after close every call is a miss (in-flight work may still finish). */
  #unavailable(): undefined {
    if (this.#cache.state === 'pending') {
      throw new MoltbotError('MOLT_ERR_KERNEL_PHASE', {
        message: `cache namespace "${this.name}" used before the kernel started (the cache builds its tiers in the start hook)`,
        plugin: 'cache',
        fix: 'Use the cache from `start` taps or later, and list "cache" in your plugin\'s `dependencies`.',
      });
    }
    return undefined;
  }
}

function assertKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new TypeError(`cache key must be a non-empty string (got ${typeof key === 'string' ? '""' : typeof key})`);
  }
}

function assertTtl(ttl: unknown, name: string): asserts ttl is number {
  if (typeof ttl !== 'number' || Number.isNaN(ttl) || ttl <= 0) {
    throw new RangeError(`${name} must be a positive number of milliseconds or Infinity (got ${String(ttl)})`);
  }
}
