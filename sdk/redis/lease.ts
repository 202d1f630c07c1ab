/**
 * A lease in Redis: one key holding the holder's token, taken with SET NX PX, kept alive by
 * renewing (PEXPIRE only while the key still holds the token) and released by compare-and-delete,
 * so a holder can never renew or drop a lease another instance has taken since. A holder that
 * dies stops renewing and its lease expires after the ttl. Used by the per-session run lease
 * (session-store-redis) and by cluster ownership (cluster-redis).
 */
import type { RedisClient } from './connection.ts';
import { redisScript } from './script.ts';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

export interface RedisLeases {
  /** True when this call took the lease (the key was free). */
  tryAcquire(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** True while `token` still holds the key (its expiry is pushed to `ttlMs` from now). */
  renew(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Deletes the key only if `token` holds it. */
  release(key: string, token: string): Promise<void>;
}

export function redisLeases(client: RedisClient): RedisLeases {
  const renew = redisScript(client, RENEW);
  const release = redisScript(client, RELEASE);
  return {
    async tryAcquire(key, token, ttlMs) {
      return (await client.set(key, token, { condition: 'NX', expiration: { type: 'PX', value: ttlMs } })) === 'OK';
    },
    async renew(key, token, ttlMs) {
      return (await renew.run([key], [token, String(ttlMs)])) === 1;
    },
    async release(key, token) {
      await release.run([key], [token]);
    },
  };
}
