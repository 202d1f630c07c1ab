/**
 * `rate-limit-redis`: the gateway's `rate-limit` service with failed-auth lockouts and
 * credential request buckets shared by every gateway instance through Redis, so an attacker
 * cannot multiply the budget by the number of instances. Replaces `rate-limit`. See README.md.
 */
import schema from '../../schemas/plugins/rate-limit-redis.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/rate-limit-redis.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { diagnoseRedis, gatewayReporter, type RedisConnection, type RedisHealth, redisServiceRef, redisSettings, watchRedisHealth } from '../../sdk/redis/index.ts';
import { DEFAULT_AUTH_LIMITS, DEFAULT_REQUEST_LIMITS, rateLimitServiceRef, type RateLimitOptions } from '../../sdk/rate-limit/index.ts';
import { createRedisLimiter } from './redis-limiter.ts';

const IMPACT = 'rate limits and auth lockouts are counted per instance (not shared) until it answers';

export interface RateLimitRedisOptions extends RateLimitOptions {
  url?: string;
  keyPrefix?: string;
  opTimeoutMs: number;
  connectTimeoutMs: number;
}

const PRUNE_INTERVAL_MS = 60_000;
/** One warning per minute at most while Redis is failing; the count is in the metrics. */
const FALLBACK_LOG_INTERVAL_MS = 60_000;

export default definePlugin<RateLimitRedisOptions>({
  name: 'rate-limit-redis',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Failed-auth lockouts and credential request limits shared by gateway instances (Redis)',
  sections: ['gateway.rateLimiting', 'redis'],
  schema,
  validate: validateOptions,
  defaults: { auth: { ...DEFAULT_AUTH_LIMITS }, maxKeys: 10_000, opTimeoutMs: 250, connectTimeoutMs: 5000 },
  replaces: ['rate-limit'],
  provides: [rateLimitServiceRef],
  consumes: [redisServiceRef],
  setup(ctx, options) {
    const { url, keyPrefix } = redisSettings(options, ctx.config);
    const configured = (ctx.config.gateway?.rateLimiting ?? {}) as Partial<typeof DEFAULT_REQUEST_LIMITS>;
    let connection: RedisConnection | undefined;
    let health: RedisHealth | undefined;
    const reporter = gatewayReporter(ctx);
    let lastWarned = 0;
    const limiter = createRedisLimiter({
      client: () => connection?.client,
      keyPrefix,
      opTimeoutMs: options.opTimeoutMs,
      auth: options.auth,
      requests: { ...DEFAULT_REQUEST_LIMITS, ...configured },
      maxKeys: options.maxKeys,
      onFallback(error) {
        if (Date.now() - lastWarned < FALLBACK_LOG_INTERVAL_MS) return;
        lastWarned = Date.now();
        const text = error instanceof Error ? error.message : String(error);
        ctx.log.warn({ error: connection ? connection.redact(text) : text }, 'rate limits: Redis unavailable, this instance counts alone until it answers');
      },
    });
    ctx.provide(rateLimitServiceRef, limiter);
    ctx.hooks.start.tapPromise(ctx.name, async () => {
      connection = await ctx.use(redisServiceRef).connect({ url, user: ctx.name, connectTimeoutMs: options.connectTimeoutMs });
      // Not critical: requests are still limited (locally) while Redis is down.
      health = watchRedisHealth(connection, { component: ctx.name, critical: false, impact: IMPACT, log: ctx.log, reporter });
    });
    ctx.hooks.diagnose.tapPromise(ctx.name, (report) => diagnoseRedis(report, health, { url, connectTimeoutMs: options.connectTimeoutMs, component: ctx.name, critical: false, impact: IMPACT }));
    ctx.hooks.collectMetrics.tapPromise(ctx.name, async (collector) => {
      collector.set('redis_decisions', limiter.stats.redisDecisions);
      collector.set('fallbacks', limiter.stats.fallbacks);
      collector.set('connected', connection?.client.isReady ? 1 : 0);
    });
    const timer = setInterval(() => limiter.prune(), PRUNE_INTERVAL_MS);
    timer.unref();
    ctx.onClose(async () => {
      clearInterval(timer);
      health?.stop();
      await connection?.close();
    });
  },
});
