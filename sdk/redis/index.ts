/**
 * `moltbot/plugin-sdk/redis`: one shared Redis connection service and the helpers every Redis
 * plugin uses. `ctx.use(redisServiceRef).connect({ url, user: ctx.name })` hands out the
 * kernel's connection to that URL (opened once, closed with its last holder), so cache, rate
 * limits, sessions, events and cluster ownership on one Redis cost one socket. Around it: where
 * a plugin connects (`redisSettings`), its health on `/readyz` and in doctor
 * (`watchRedisHealth`, `diagnoseRedis`), leases and Lua scripts that survive a script-cache
 * flush. Importing this entry does not load the Redis client; the first connection does.
 */
import { createServiceRef } from '../core/index.ts';
import type { RedisConnection, RedisConnectionOptions } from './connection.ts';
import { createRedisService, type RedisService } from './service.ts';

export type { RedisClient, RedisConnection, RedisConnectionOptions } from './connection.ts';
export { createRedisService, DEFAULT_CONNECT_TIMEOUT_MS } from './service.ts';
export type { RedisConnectionInfo, RedisConnectRequest, RedisService } from './service.ts';
export { diagnoseRedis, gatewayReporter, REDIS_RETRY_AFTER_MS, storeUnavailableError, watchRedisHealth } from './health.ts';
export type { HealthReporter, RedisHealth, RedisHealthOptions, StoreUnavailableError } from './health.ts';
export { redisLeases } from './lease.ts';
export type { RedisLeases } from './lease.ts';
export { redisScript } from './script.ts';
export type { RedisScript } from './script.ts';
export { DEFAULT_REDIS_URL, redisSettings } from './settings.ts';

/**
 * The kernel's Redis connections, shared per URL. No plugin has to provide it: the default is
 * built once per kernel on first use, so every plugin of that kernel shares it.
 */
export const redisServiceRef = createServiceRef<RedisService>({
  id: 'redis',
  description: 'Shared Redis connections, one per URL, closed with their last holder',
  defaultFactory: () => createRedisService(),
});

/**
 * A private, unshared connection (a short-lived probe: doctor without a running gateway).
 * Plugins that serve requests use `redisServiceRef` instead.
 */
export async function openRedis(options: RedisConnectionOptions): Promise<RedisConnection> {
  return (await import('./connection.ts')).openRedis(options);
}
