/**
 * Replay guard for signed webhooks: a request is accepted at most once (keyed by its signature
 * or a digest of its body) and, when it carries a sender timestamp, only inside the window.
 * Keys are remembered for the window (bounded in count: the oldest go first), so a captured
 * request cannot be sent again while its timestamp is still fresh, and is stale after that.
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
  // Insertion order is expiry order (every key lives windowMs from when it was seen).
  const seen = new Map<string, number>();
  const prune = (at: number) => {
    for (const [key, expires] of seen) {
      if (expires > at && seen.size <= maxKeys) break;
      seen.delete(key);
    }
  };
  return {
    check(key, timestampMs) {
      const at = now();
      if (timestampMs !== undefined && (!Number.isFinite(timestampMs) || Math.abs(at - timestampMs) > options.windowMs)) return 'stale';
      prune(at);
      if (seen.has(key)) return 'replayed';
      seen.set(key, at + options.windowMs);
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
