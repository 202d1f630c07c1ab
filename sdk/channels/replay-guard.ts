/**
 * Replay guard for signed webhooks: a request is accepted at most once (keyed by its signature
 * or a digest of its body) and, when it carries a sender timestamp, only inside the window.
 * A key is remembered until `max(arrival, timestamp) + windowMs`, i.e. for as long as its
 * timestamp is still fresh: a request stamped in the future stays valid until
 * `timestamp + windowMs`, so it must be remembered that long too; after that it is stale.
 * The memory is a `SeenStore` (./seen-store.ts): the state-dir journal by
 * default, so a restart forgets nothing inside the window, or Redis shared by a cluster.
 * Callers key on a canonical form (see `signatureDigest`).
 * Message-id duplicates (a platform redelivering the same message in a new request) are the
 * `channels` service's job (`messageId` on the inbound message), in the same store.
 */
import type { SeenStore } from './seen-store.ts';

export type ReplayVerdict = 'ok' | 'stale' | 'replayed';

export interface ReplayGuardOptions {
  /** How far a sender timestamp may be from now, either way, and how long keys are kept. */
  windowMs: number;
  store: SeenStore;
  now?: () => number;
}

export interface ReplayGuard {
  /** Records `key` when the verdict is "ok"; `timestampMs` (the sender's clock) is optional. Rejects when the store cannot answer. */
  check(key: string, timestampMs?: number): Promise<ReplayVerdict>;
  /** Forgets `key` (the request failed before it was processed, so a retry must pass). */
  forget(key: string): Promise<void>;
}

/** Whether a sender timestamp is outside the window (either way); no timestamp is never stale. */
export function isStale(timestampMs: number | undefined, at: number, windowMs: number): boolean {
  return timestampMs !== undefined && (!Number.isFinite(timestampMs) || Math.abs(at - timestampMs) > windowMs);
}

export function createReplayGuard(options: ReplayGuardOptions): ReplayGuard {
  const now = options.now ?? Date.now;
  return {
    async check(key, timestampMs) {
      const at = now();
      if (isStale(timestampMs, at, options.windowMs)) return 'stale';
      // Inclusive: a timestamp exactly windowMs off is still fresh, so keep it one ms longer.
      const ttlMs = Math.max(at, timestampMs ?? at) + options.windowMs - at + 1;
      return (await options.store.claim(key, ttlMs)) ? 'ok' : 'replayed';
    },
    forget: (key) => options.store.forget(key),
  };
}
