/**
 * `cache-redis`: the shared Redis tier of the cache (tier name "redis"). The URL comes from
 * this plugin's `url` option, else the root `cache.redis.url`, else `redis.url` (write it as `${REDIS_URL}`).
 */
import schema from '../../schemas/plugins/cache-redis.json' with { type: 'json' };
import validate from '../../schemas/generated/cache-redis.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { getCacheHooks } from '../../sdk/cache/index.ts';
// The SDK entry loads no Redis client (the first connection does): cheap to import at setup.
import { DEFAULT_REDIS_URL, gatewayReporter, type RedisHealth, redisServiceRef, watchRedisHealth } from '../../sdk/redis/index.ts';

const IMPACT = 'the Redis cache tier is skipped (a miss, never a wait) until it answers';

export interface CacheRedisOptions {
  url?: string;
  keyPrefix: string;
  opTimeoutMs: number;
  connectTimeoutMs: number;
}

export { DEFAULT_REDIS_URL } from '../../sdk/redis/index.ts';

export default definePlugin<CacheRedisOptions>({
  name: 'cache-redis',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Redis tier of the cache (@keyv/redis), shared between gateway instances',
  sections: ['cache.redis', 'redis'],
  schema,
  validate,
  defaults: { keyPrefix: 'moltbot', opTimeoutMs: 250, connectTimeoutMs: 2000 },
  dependencies: ['cache'],
  consumes: [redisServiceRef],
  setup(ctx, options) {
    const url = options.url ?? (ctx.config.cache?.redis?.url as string | undefined) ?? (ctx.config.redis?.url as string | undefined) ?? DEFAULT_REDIS_URL;
    let health: RedisHealth | undefined;
    const reporter = gatewayReporter(ctx);
    getCacheHooks(ctx).stores.tap(ctx.name, (stores) => stores.set('redis', {
      plugin: ctx.name,
      rank: 20,
      // @redis/client costs ≈ 150 ms to import: only a kernel that uses the tier pays it.
      create: async () => (await import('./redis-store.ts')).createRedisStore({
        url,
        keyPrefix: options.keyPrefix,
        opTimeoutMs: options.opTimeoutMs,
        connectTimeoutMs: options.connectTimeoutMs,
        // The kernel's connection to this URL, shared with the other Redis plugins.
        connect: () => ctx.use(redisServiceRef).connect({ url, user: ctx.name, connectTimeoutMs: options.connectTimeoutMs }),
      }, (connection) => {
        // Not critical: the cache works without this tier.
        health = watchRedisHealth(connection, { component: ctx.name, critical: false, impact: IMPACT, log: ctx.log, reporter });
      }),
      probe: async () => (await import('./redis-store.ts')).probeRedis(url, options.connectTimeoutMs),
    }));
    // Doctor: the cache plugin already checks every tier it uses (cache.tier.redis), with the last error.
    ctx.onClose(() => health?.stop());
  },
});
