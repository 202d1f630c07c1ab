/**
 * The memory tier: one LRU (lru-cache, bounded by entry count and by approximate bytes)
 * shared by every namespace, behind Keyv's own memory adapter with serialization off (values
 * are kept as they are: JSON would make a hit ≈ 3.5× slower). lru-cache rather than a Map:
 * the bound is the point of this tier, and it evicts least-recently-used in O(1).
 * Expired entries are dropped on read (Keyv) and by a periodic sweep, so they do not hold
 * bytes until the LRU happens to evict them.
 */
import { Keyv, KeyvMemoryAdapter } from 'keyv';
import { LRUCache } from 'lru-cache';
import type { CacheEntry, CacheStore } from '../../sdk/cache/index.ts';

export interface MemoryStoreOptions {
  maxEntries: number;
  maxBytes: number;
  sweepIntervalMs: number;
}

/** What KeyvMemoryAdapter keeps per key: the cache's entry (setRaw stores it as Keyv's envelope) and its expiry again. */
interface MemoryRecord {
  value: CacheEntry;
  expires?: number | undefined;
}

export function createMemoryStore(options: MemoryStoreOptions): CacheStore {
  const map = new LruMap(() => new LRUCache<string, MemoryRecord>({
    max: options.maxEntries,
    maxSize: options.maxBytes,
    sizeCalculation: (record, key) => approximateBytes(key, record.value?.value),
  }));
  const sweep = () => {
    const lru = map.lru;
    if (lru === undefined) return;
    const now = Date.now();
    const expired: string[] = [];
    for (const [key, record] of lru.entries()) if (record.expires !== undefined && record.expires < now) expired.push(key);
    for (const key of expired) lru.delete(key);
  };
  const timer = setInterval(sweep, options.sweepIntervalMs);
  timer.unref?.();
  return {
    timeoutMs: 0,
    keyv: (namespace) => new Keyv({ store: new KeyvMemoryAdapter(map), serialization: false, namespace }),
    // Keyv 6 keys a namespaced entry "<namespace>::<key>" (a test pins it: a change is a miss, not a wrong hit).
    getNow: (namespace, key) => map.get(`${namespace}::${key}`)?.value,
    stats: () => {
      sweep();
      return { entries: map.lru?.size ?? 0, bytes: map.lru?.calculatedSize ?? 0, maxEntries: options.maxEntries, maxBytes: options.maxBytes };
    },
    close: async () => {
      clearInterval(timer);
      map.clear();
    },
  };
}

const NOTHING = new Map<string, MemoryRecord>();

/**
 * KeyvMemoryAdapter calls `set(key, record, ttlMs)` Map-style; lru-cache's third argument is
 * an options object. The ttl is dropped on purpose: expiry is checked on every read (the
 * record carries it) and swept, which keeps lru-cache's per-read staleness check off the hit path.
 * The LRU is made at the first write: lru-cache allocates its slot arrays for maxEntries up front
 * (10,000 by default: ≈ 2 ms and ≈ 300 KB), which a start and an idle gateway need not pay.
 */
class LruMap {
  #lru: LRUCache<string, MemoryRecord> | undefined;
  readonly #make: () => LRUCache<string, MemoryRecord>;
  constructor(make: () => LRUCache<string, MemoryRecord>) {
    this.#make = make;
  }
  /** The LRU, once a write made it. */
  get lru(): LRUCache<string, MemoryRecord> | undefined {
    return this.#lru;
  }
  get(key: string): MemoryRecord | undefined {
    return this.#lru?.get(key);
  }
  set(key: string, record: MemoryRecord): this {
    (this.#lru ??= this.#make()).set(key, record);
    return this;
  }
  has(key: string): boolean {
    return this.#lru?.has(key) ?? false;
  }
  delete(key: string): boolean {
    return this.#lru?.delete(key) ?? false;
  }
  clear(): void {
    this.#lru?.clear();
  }
  keys(): IterableIterator<string> {
    return this.#lru?.keys() ?? NOTHING.keys();
  }
  entries(): IterableIterator<[string, MemoryRecord]> {
    return this.#lru?.entries() ?? NOTHING.entries();
  }
}

const bigintSafe = (_key: string, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value);

/**
 * Approximate bytes an entry holds: key plus the value's JSON length (what the disk and Redis
 * tiers would store). The cache checks values are JSON before writing; anything else a direct
 * user stores counts by its string form.
 */
export function approximateBytes(key: string, value: unknown): number {
  let size: number;
  try {
    size = JSON.stringify(value, bigintSafe)?.length ?? String(value).length;
  } catch {
    size = String(value).length;
  }
  return Math.max(1, key.length + size);
}
