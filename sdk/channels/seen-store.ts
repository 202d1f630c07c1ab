/**
 * What inbound channels remember to process a request or a message once: signed-webhook replay
 * keys and platform message ids, each for a window. The `channels` plugin keeps it in a journal
 * under the state dir by default; a plugin that provides `seenStoreRef` (cluster-redis:
 * `SET key 1 NX PX ttl`) replaces it, so every gateway instance behind a load balancer shares it.
 * `claim` is atomic: of two concurrent claims of one key exactly one gets true.
 */
import { createServiceRef, isMoltbotError, MoltbotError } from '../core/index.ts';

export interface SeenStore {
  /** True when `key` was not remembered (it now is, for `ttlMs`); false while it is. Rejects when the store cannot answer. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Forgets `key` (processing failed: the sender's retry must pass). */
  forget(key: string): Promise<void>;
}

/** A shared replay and message-id memory; without a provider the `channels` plugin uses its state-dir journal. */
export const seenStoreRef = createServiceRef<SeenStore>({
  id: 'seen-store',
  description: 'Replay and message-id memory of inbound channels, shared across gateway instances',
});

/** How long a client should wait before retrying a request refused because the store is down. */
export const STORE_RETRY_AFTER_MS = 2000;

export type StoreUnavailableError = MoltbotError & { data: { component: string; retryAfterMs: number } };

/** The error a request gets when the memory cannot answer (fail closed: never process twice). */
export function storeUnavailable(error: unknown): StoreUnavailableError {
  if (isMoltbotError(error, 'MOLT_ERR_STORE_UNAVAILABLE') && typeof error.data?.retryAfterMs === 'number') return error as StoreUnavailableError;
  return new MoltbotError('MOLT_ERR_STORE_UNAVAILABLE', {
    message: 'the channels\' replay and message-id memory is unavailable; retry later',
    data: { component: 'seen-store', retryAfterMs: STORE_RETRY_AFTER_MS },
    cause: error,
  }) as StoreUnavailableError;
}
