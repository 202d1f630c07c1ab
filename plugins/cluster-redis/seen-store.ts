/**
 * The channels' replay and message-id memory in Redis, shared by every instance: one key per
 * remembered item, `<prefix>:seen:<key>`, taken with `SET key 1 NX PX ttl` (atomic: of two
 * instances receiving the same signed request, exactly one processes it) and expiring by
 * itself. The connection has no offline queue: while Redis is down a claim fails at once and
 * the request is refused (retried by its sender), never processed without the check.
 */
import type { SeenStore } from '../../sdk/channels/index.ts';
import type { RedisClient } from '../../sdk/redis/index.ts';

export function createRedisSeenStore(client: RedisClient, keyPrefix: string): SeenStore {
  const key = (name: string) => `${keyPrefix}:seen:${name}`;
  return {
    async claim(name, ttlMs) {
      const answer = await client.set(key(name), '1', { condition: 'NX', expiration: { type: 'PX', value: Math.max(1, Math.ceil(ttlMs)) } });
      return answer === 'OK';
    },
    async forget(name) {
      await client.del(key(name));
    },
  };
}
