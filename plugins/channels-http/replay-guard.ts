/**
 * Replay guard for signed webhooks: a request is accepted at most once (keyed by its signature
 * or a digest of its body) and, when it carries a sender timestamp, only inside the window.
 * A key is remembered until `max(arrival, timestamp) + windowMs` (bounded in count: the oldest
 * go first), i.e. for as long as its timestamp is still fresh: a request stamped in the future
 * stays valid until `timestamp + windowMs`, so it must be remembered that long too; after that
 * it is stale. Callers key on a canonical form (see `signatureDigest`).
 * Message-id duplicates (a platform redelivering the same message in a new request) are the
 * `channels` service's job (`messageId` on the inbound message).
 */
export type ReplayVerdict = 'ok' | 'stale' | 'replayed';

export interface ReplayGuardOptions {
  /** How far a sender timestamp may be from now, either way, and how long keys are kept. */
  windowMs: number;
  /** Most keys kept (default 10 000). */
  maxKeys?: number;
  now?: () => number;
}

export interface ReplayGuard {
  /** Records `key` when the verdict is "ok"; `timestampMs` (the sender's clock) is optional. */
  check(key: string, timestampMs?: number): ReplayVerdict;
  /** Forgets `key` (the request failed before it was processed, so a retry must pass). */
  forget(key: string): void;
  readonly size: number;
}

export function createReplayGuard(options: ReplayGuardOptions): ReplayGuard {
  const maxKeys = options.maxKeys ?? 10_000;
  const now = options.now ?? Date.now;
  // Key → last instant it is remembered (inclusive: a timestamp exactly windowMs off is still
  // fresh, see the stale check). Insertion order is nearly expiry order (a future timestamp
  // adds at most one window), so pruning walks from the oldest and stops at the first live
  // key; an expired key left behind is treated as absent by check() and goes on a later prune.
  const seen = new Map<string, number>();
  const prune = (at: number) => {
    for (const [key, expires] of seen) {
      if (expires >= at && seen.size <= maxKeys) break;
      seen.delete(key);
    }
  };
  return {
    check(key, timestampMs) {
      const at = now();
      if (timestampMs !== undefined && (!Number.isFinite(timestampMs) || Math.abs(at - timestampMs) > options.windowMs)) return 'stale';
      prune(at);
      const expires = seen.get(key);
      if (expires !== undefined && expires >= at) return 'replayed';
      seen.delete(key);
      seen.set(key, Math.max(at, timestampMs ?? at) + options.windowMs);
      if (seen.size > maxKeys) prune(at);
      return 'ok';
    },
    forget(key) {
      seen.delete(key);
    },
    get size() {
      return seen.size;
    },
  };
}
