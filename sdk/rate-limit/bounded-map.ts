/**
 * An insertion-ordered Map with a hard size cap: the oldest entry goes when a new key would
 * exceed it, and `touch` makes an entry young again. Limiter keys come from the network
 * (one per client address or credential), so their memory must have a ceiling an attacker
 * cannot raise.
 */
export class BoundedMap<K, V> {
  readonly max: number;
  readonly #map = new Map<K, V>();

  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`BoundedMap: max must be a positive integer (got ${max})`);
    this.max = max;
  }

  get size(): number {
    return this.#map.size;
  }

  get(key: K): V | undefined {
    return this.#map.get(key);
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  /** Inserts or replaces; a new key beyond `max` evicts the oldest one (returned). */
  set(key: K, value: V): [K, V] | undefined {
    if (this.#map.has(key)) {
      this.#map.set(key, value);
      return undefined;
    }
    let evicted: [K, V] | undefined;
    if (this.#map.size >= this.max) {
      const oldest = this.#map.entries().next().value as [K, V];
      this.#map.delete(oldest[0]);
      evicted = oldest;
    }
    this.#map.set(key, value);
    return evicted;
  }

  /** Inserts or replaces, at the young end (least recently used goes first); evicts like set(). */
  touch(key: K, value: V): [K, V] | undefined {
    this.#map.delete(key);
    return this.set(key, value);
  }

  delete(key: K): boolean {
    return this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }

  /** Oldest first. */
  entries(): IterableIterator<[K, V]> {
    return this.#map.entries();
  }
}
