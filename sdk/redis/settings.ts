/**
 * Where a Redis plugin connects: its own `url` / `keyPrefix` options, else the root `redis`
 * section shared by the scale-out plugins, else Redis's own default address. Kept apart from
 * connection.ts so resolving settings does not load the Redis client (≈150 ms to import).
 */

/** Redis's own default address, used when neither option nor root config names one. */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export function redisSettings(options: { url?: string; keyPrefix?: string }, config: Readonly<Record<string, any>>): { url: string; keyPrefix: string } {
  return {
    url: options.url ?? (config.redis?.url as string | undefined) ?? DEFAULT_REDIS_URL,
    keyPrefix: options.keyPrefix ?? (config.redis?.keyPrefix as string | undefined) ?? 'moltbot',
  };
}
