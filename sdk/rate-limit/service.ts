/**
 * The `rate-limit` service the gateway consults. Every method may answer synchronously (this
 * in-memory implementation) or with a promise (a shared store such as Redis for several
 * gateway instances), so a replacement plugin only has to provide the same service name.
 */
import { AuthLimiter, type AuthDecision } from './auth-limiter.ts';
import { ALLOWED, TokenBuckets, type RequestDecision } from './token-bucket.ts';

export type { AuthDecision } from './auth-limiter.ts';
export type { RequestDecision } from './token-bucket.ts';

type MaybePromise<T> = T | Promise<T>;

export interface RateLimitService {
  /** Refused when any of the keys is locked; `retryAfterMs` is the longest remaining lockout. */
  checkAuth(keys: readonly string[]): MaybePromise<AuthDecision>;
  /** Counts a failed attempt under every key; refused once one of them is locked. */
  recordAuthFailure(keys: readonly string[]): MaybePromise<AuthDecision>;
  /** Forgets the failures of these keys. */
  recordAuthSuccess(keys: readonly string[]): MaybePromise<void>;
  /**
   * Takes one password check from the budget all remote sources share
   * (`auth.remoteChecksPerMinute`); refused with the wait for the next one when it is spent.
   */
  takeRemoteAuthCheck(): MaybePromise<RequestDecision>;
  /**
   * Optional: remembers a source that authenticated (for `ttlMs`) where every instance of a
   * cluster sees it; a service without shared storage leaves both out.
   */
  rememberSource?(key: string, ttlMs: number): Promise<void>;
  /** Optional: whether any instance remembered this source. */
  isKnownSource?(key: string): Promise<boolean>;
  /** Takes one request token from the key's bucket (always allowed when request limiting is off). */
  takeRequest(key: string): MaybePromise<RequestDecision>;
  /** Drops a key's bucket (a closed connection). */
  forget(key: string): void;
  readonly requestLimits: Readonly<{ enabled: boolean; requestsPerMinute: number; burstSize: number }>;
  /** Tracked keys, for metrics and the memory-bound tests. */
  size(): { authKeys: number; requestKeys: number };
}

export interface AuthLimits {
  maxAttempts: number;
  windowMs: number;
  lockoutMs: number;
  /** Password checks per minute for all remote sources together (token bucket, burst the same). */
  remoteChecksPerMinute: number;
}

/** The remote budget's bucket key (one for the whole gateway, or the whole cluster). */
export const REMOTE_AUTH_KEY = 'auth:remote';

export interface MemoryRateLimitOptions {
  auth: AuthLimits;
  requests: { enabled: boolean; requestsPerMinute: number; burstSize: number };
  maxKeys: number;
  now?: () => number;
}

/** `prune()` frees expired entries early; the plugin calls it on a timer. */
export function createMemoryRateLimit(options: MemoryRateLimitOptions): RateLimitService & { prune(): void } {
  const clock = options.now ? { now: options.now } : {};
  const { remoteChecksPerMinute, ...lockout } = options.auth;
  const auth = new AuthLimiter({ ...lockout, maxKeys: options.maxKeys, ...clock });
  const remoteBudget = new TokenBuckets({ requestsPerMinute: remoteChecksPerMinute, burstSize: remoteChecksPerMinute, maxKeys: 1, ...clock });
  const buckets = options.requests.enabled
    ? new TokenBuckets({ requestsPerMinute: options.requests.requestsPerMinute, burstSize: options.requests.burstSize, maxKeys: options.maxKeys, ...clock })
    : undefined;
  const worst = (decisions: AuthDecision[]): AuthDecision => {
    let result: AuthDecision = { allowed: true, retryAfterMs: 0, remaining: options.auth.maxAttempts };
    for (const decision of decisions) {
      if (!decision.allowed && (result.allowed || decision.retryAfterMs > result.retryAfterMs)) result = decision;
      else if (result.allowed && decision.remaining < result.remaining) result = decision;
    }
    return result;
  };
  return {
    checkAuth: (keys) => worst(keys.map((key) => auth.check(key))),
    recordAuthFailure: (keys) => worst(keys.map((key) => auth.recordFailure(key))),
    recordAuthSuccess: (keys) => {
      for (const key of keys) auth.reset(key);
    },
    takeRemoteAuthCheck: () => remoteBudget.take(REMOTE_AUTH_KEY),
    takeRequest: buckets ? (key) => buckets.take(key) : () => ALLOWED,
    forget: (key) => buckets?.forget(key),
    requestLimits: Object.freeze({ ...options.requests }),
    size: () => ({ authKeys: auth.size(), requestKeys: buckets?.size() ?? 0 }),
    prune: () => auth.prune(),
  };
}
