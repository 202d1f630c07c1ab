/**
 * `rate-limit`: the in-memory limiter behind the `rate-limit` service the gateway consults for
 * failed-auth lockouts and request token buckets. A shared-store limiter (Redis, for several
 * gateway instances) replaces it by providing the same service (`rateLimitServiceRef`).
 */
import schema from '../../schemas/plugins/rate-limit.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/rate-limit.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { createMemoryRateLimit, DEFAULT_AUTH_LIMITS, DEFAULT_REQUEST_LIMITS, rateLimitServiceRef, type RateLimitOptions } from '../../sdk/rate-limit/index.ts';

// The contract lives in the SDK (`moltbot/plugin-sdk/rate-limit`); re-exported for this plugin's users.
export type { AuthDecision, AuthLimits, RateLimitOptions, RateLimitService, RequestDecision } from '../../sdk/rate-limit/index.ts';
export { createMemoryRateLimit, DEFAULT_AUTH_LIMITS, DEFAULT_REQUEST_LIMITS, rateLimitServiceRef } from '../../sdk/rate-limit/index.ts';

const PRUNE_INTERVAL_MS = 60_000;

export default definePlugin<RateLimitOptions>({
  name: 'rate-limit',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Failed-auth lockout and request token buckets (in memory) for the gateway',
  sections: ['gateway.rateLimiting'],
  schema,
  validate: validateOptions,
  provides: [rateLimitServiceRef],
  defaults: { auth: { ...DEFAULT_AUTH_LIMITS }, maxKeys: 10_000 },
  setup(ctx, options) {
    const configured = (ctx.config.gateway?.rateLimiting ?? {}) as Partial<typeof DEFAULT_REQUEST_LIMITS>;
    const limiter = createMemoryRateLimit({
      auth: options.auth,
      requests: { ...DEFAULT_REQUEST_LIMITS, ...configured },
      maxKeys: options.maxKeys,
    });
    ctx.provide(rateLimitServiceRef, limiter);
    const timer = setInterval(() => limiter.prune(), PRUNE_INTERVAL_MS);
    timer.unref();
    ctx.onClose(() => clearInterval(timer));
  },
});
