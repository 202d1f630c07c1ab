/**
 * Dedupe of side-effecting requests: the first request with a given key (per credential and
 * method) runs; a repeat within `ttlMs` gets the same outcome, waiting for it if it is still
 * running; after the window the key counts as new. Bounded: the oldest keys go first.
 */
import type { WireError } from '../../sdk/protocol/index.ts';

export type Outcome = { ok: true; payload: unknown } | { ok: false; error: WireError };

interface Entry {
  outcome: Promise<Outcome>;
  expires: number;
}

export class IdempotencyCache {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: { ttlMs: number; maxEntries: number; now?: () => number }) {
    this.#ttlMs = options.ttlMs;
    this.#max = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** The remembered outcome of `key`, or runs `work` and remembers its outcome. */
  run(key: string, work: () => Promise<Outcome>): { outcome: Promise<Outcome>; replayed: boolean } {
    const now = this.#now();
    const entry = this.#entries.get(key);
    if (entry !== undefined && entry.expires > now) return { outcome: entry.outcome, replayed: true };
    if (entry !== undefined) this.#entries.delete(key);
    this.#evictExpired(now);
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
    const outcome = work();
    this.#entries.set(key, { outcome, expires: now + this.#ttlMs });
    return { outcome, replayed: false };
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Entries expire in insertion order: drop from the front until one is still live. */
  #evictExpired(now: number): void {
    for (const [key, entry] of this.#entries) {
      if (entry.expires > now) return;
      this.#entries.delete(key);
    }
  }
}
