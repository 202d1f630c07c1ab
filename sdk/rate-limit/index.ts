/**
 * `moltbot/plugin-sdk/rate-limit`: the `rate-limit` service the gateway consults for failed-auth
 * lockouts and per-key request buckets (`rateLimitServiceRef`), the in-memory limiter (the
 * `rate-limit` plugin provides it; a shared-store limiter such as `rate-limit-redis` falls back
 * to it while its store is down), and the token-bucket and bounded-map pieces it is built from.
 * Every method may answer synchronously or with a promise, so a store over the network fits.
 */
import { createServiceRef } from '../core/index.ts';
import type { AuthLimits, RateLimitService } from './service.ts';

export type { AuthDecision, AuthLimits, MemoryRateLimitOptions, RateLimitService, RequestDecision } from './service.ts';
export { createMemoryRateLimit, REMOTE_AUTH_KEY } from './service.ts';
export { ALLOWED, TokenBuckets } from './token-bucket.ts';
export type { TokenBucketOptions } from './token-bucket.ts';
export { AuthLimiter } from './auth-limiter.ts';
export type { AuthLimiterOptions } from './auth-limiter.ts';
export { BoundedMap } from './bounded-map.ts';

/** The gateway's limiter (service id "rate-limit"): `rate-limit` in memory, or a replacement plugin. */
export const rateLimitServiceRef = createServiceRef<RateLimitService>({
  id: 'rate-limit',
  description: 'Failed-auth lockouts and request token buckets the gateway consults',
});

/** Options every limiter plugin shares (its schema's `auth` and `maxKeys`). */
export interface RateLimitOptions {
  auth: AuthLimits;
  maxKeys: number;
}

/** `gateway.rateLimiting` defaults (DESIGN §1) when the root config leaves them out. */
export const DEFAULT_REQUEST_LIMITS = Object.freeze({ enabled: true, requestsPerMinute: 1000, burstSize: 100 });

/** Lockout after 10 failures a minute for 5 minutes per source; 30 remote password checks a minute in all. */
export const DEFAULT_AUTH_LIMITS: Readonly<AuthLimits> = Object.freeze({ maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000, remoteChecksPerMinute: 30 });

// `ctx.use('rate-limit')` (the gateway README names it) stays typed; plugins use the ref.
declare module '../../core/plugin.ts' {
  interface Services {
    'rate-limit': RateLimitService;
  }
}
