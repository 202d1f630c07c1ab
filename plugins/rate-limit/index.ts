/**
 * `rate-limit`: the in-memory limiter behind the `rate-limit` service the gateway consults for
 * failed-auth lockouts and request token buckets. A shared-store limiter (Redis, for several
 * gateway instances) replaces it by providing the same service name.
 */
import schema from '../../schemas/plugins/rate-limit.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/rate-limit.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { createMemoryRateLimit, type AuthLimits, type RateLimitService } from './service.ts';

export type { AuthDecision, AuthLimits, RateLimitService, RequestDecision } from './service.ts';
export { createMemoryRateLimit } from './service.ts';

declare module '../../core/plugin.ts' {
  interface Services {
    'rate-limit': RateLimitService;
  }
}

export interface RateLimitOptions {
  auth: AuthLimits;
  maxKeys: number;
}

/** `gateway.rateLimiting` defaults (DESIGN §1) when the root config leaves them out. */
export const DEFAULT_REQUEST_LIMITS = Object.freeze({ enabled: true, requestsPerMinute: 1000, burstSize: 100 });

/** Lockout after 10 failures a minute for 5 minutes per source; 30 remote password checks a minute in all. */
export const DEFAULT_AUTH_LIMITS: Readonly<AuthLimits> = Object.freeze({ maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000, remoteChecksPerMinute: 30 });

const PRUNE_INTERVAL_MS = 60_000;

export default definePlugin<RateLimitOptions>({
  name: 'rate-limit',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Failed-auth lockout and request token buckets (in memory) for the gateway',
  schema,
  validate: validateOptions,
  defaults: { auth: { ...DEFAULT_AUTH_LIMITS }, maxKeys: 10_000 },
  setup(ctx, options) {
    const configured = (ctx.config.gateway?.rateLimiting ?? {}) as Partial<typeof DEFAULT_REQUEST_LIMITS>;
    const limiter = createMemoryRateLimit({
      auth: options.auth,
      requests: { ...DEFAULT_REQUEST_LIMITS, ...configured },
      maxKeys: options.maxKeys,
    });
    ctx.provide('rate-limit', limiter);
    const timer = setInterval(() => limiter.prune(), PRUNE_INTERVAL_MS);
    timer.unref();
    ctx.onClose(() => clearInterval(timer));
  },
});
