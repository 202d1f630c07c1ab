/**
 * Request limiting: one token bucket per key (a connection, a credential). A bucket holds at
 * most `burstSize` tokens and refills at `requestsPerMinute`; each request takes one. Buckets
 * live in a bounded map (oldest key evicted first): an evicted bucket comes back full, which
 * is the most an attacker gains by flooding keys, and that takes more keys than the cap.
 */
import { BoundedMap } from './bounded-map.ts';

export interface TokenBucketOptions {
  requestsPerMinute: number;
  burstSize: number;
  maxKeys: number;
  now?: () => number;
}

export interface RequestDecision {
  allowed: boolean;
  retryAfterMs: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Shared by every allowed request: the hot path allocates nothing. */
export const ALLOWED: RequestDecision = Object.freeze({ allowed: true, retryAfterMs: 0 });

export class TokenBuckets {
  readonly options: Readonly<Required<Omit<TokenBucketOptions, 'now'>>>;
  readonly #now: () => number;
  readonly #perMs: number;
  readonly #buckets: BoundedMap<string, Bucket>;

  constructor(options: TokenBucketOptions) {
    const { now, ...limits } = options;
    if (!(limits.requestsPerMinute > 0) || !(limits.burstSize >= 1)) {
      throw new RangeError(`token bucket needs requestsPerMinute > 0 and burstSize >= 1 (got ${limits.requestsPerMinute}, ${limits.burstSize})`);
    }
    this.options = Object.freeze(limits);
    this.#now = now ?? Date.now;
    this.#perMs = limits.requestsPerMinute / 60_000;
    this.#buckets = new BoundedMap(limits.maxKeys);
  }

  take(key: string, cost = 1): RequestDecision {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.options.burstSize, at: now };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.options.burstSize, bucket.tokens + (now - bucket.at) * this.#perMs);
      bucket.at = now;
    }
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return ALLOWED;
    }
    return { allowed: false, retryAfterMs: Math.max(1, Math.ceil((cost - bucket.tokens) / this.#perMs)) };
  }

  forget(key: string): void {
    this.#buckets.delete(key);
  }

  size(): number {
    return this.#buckets.size;
  }
}
