/**
 * One Redis connection per URL for the whole kernel: the Redis plugins (first-party and from
 * other packages, which import only `moltbot/plugin-sdk/redis` and `/core`) get it through
 * `redisServiceRef` instead of opening their own. Checked by the service's accounting and by
 * the real Redis on 127.0.0.1:6379 (`CLIENT ID` / `CLIENT LIST`).
 */
import { describe, expect, it } from 'vitest';
import { definePlugin } from 'moltbot/plugin-sdk/core';
import { createRedisService, redisServiceRef, type RedisConnection, type RedisConnectionOptions } from 'moltbot/plugin-sdk/redis';
import { createTestKernel } from '../../../app/testing.ts';
import { REDIS_URL } from '../../helpers/redis.ts';

/** A Redis-using plugin of another package: it asks the service for its connection in start. */
function redisUser(name: string, options: { dedicated?: boolean } = {}) {
  const seen: { connection?: RedisConnection; clientId?: number } = {};
  const plugin = definePlugin({
    name,
    version: '1.0.0',
    consumes: [redisServiceRef],
    setup(ctx) {
      ctx.hooks.start.tapPromise(ctx.name, async () => {
        seen.connection = await ctx.use(redisServiceRef).connect({ url: REDIS_URL, user: ctx.name, ...options });
        seen.clientId = Number(await seen.connection.client.sendCommand(['CLIENT', 'ID']));
      });
      ctx.onClose(() => seen.connection?.close());
    },
  });
  return { plugin, seen };
}

/** The lines of `CLIENT LIST` for one client id. */
async function clientList(connection: RedisConnection, id: number): Promise<string[]> {
  const list = String(await connection.client.sendCommand(['CLIENT', 'LIST', 'ID', String(id)]));
  return list.split('\n').filter((line) => line.trim() !== '');
}

describe('the shared Redis connection service', () => {
  it('two plugins of other packages share one connection (same CLIENT ID on the real Redis); a dedicated one is its own', async () => {
    const a = redisUser('redis-user-a');
    const b = redisUser('redis-user-b');
    const sub = redisUser('redis-subscriber', { dedicated: true });
    const kernel = await createTestKernel({ config: {}, plugins: [a.plugin, b.plugin, sub.plugin] });
    expect(a.seen.clientId).toBeGreaterThan(0);
    expect(b.seen.clientId).toBe(a.seen.clientId);
    expect(sub.seen.clientId).not.toBe(a.seen.clientId);
    expect(await clientList(a.seen.connection!, a.seen.clientId!)).toHaveLength(1);
    expect(kernel.use(redisServiceRef).connections()).toEqual([
      { url: REDIS_URL, shared: true, offlineQueue: false, users: ['redis-user-a', 'redis-user-b'] },
      { url: REDIS_URL, shared: false, offlineQueue: false, users: ['redis-subscriber'] },
    ]);
    // Closing one holder keeps the socket for the other; the last one closes it.
    await a.seen.connection!.close();
    await a.seen.connection!.close();
    expect(b.seen.connection!.client.isReady).toBe(true);
    expect(kernel.use(redisServiceRef).connections()[0]!.users).toEqual(['redis-user-b']);
    const id = b.seen.clientId!;
    const probe = await createRedisService().connect({ url: REDIS_URL, user: 'probe' });
    await kernel.close();
    expect(kernel.use(redisServiceRef).connections()).toEqual([]);
    expect(await clientList(probe, id)).toEqual([]);
    await probe.close();
  });

  it('the first-party Redis plugins on one URL hold one shared connection', async () => {
    const user = redisUser('redis-user-a');
    const kernel = await createTestKernel({
      config: {
        redis: { url: REDIS_URL },
        cache: { tiers: ['redis'], redis: { url: REDIS_URL } },
        plugins: ['cache', 'cache-redis', 'rate-limit-redis', 'events-redis'],
      },
      plugins: [user.plugin],
    });
    const connections = kernel.use(redisServiceRef).connections();
    const shared = connections.filter((connection) => connection.shared);
    expect(shared).toHaveLength(1);
    expect([...shared[0]!.users].sort()).toEqual(['cache-redis', 'events-redis', 'rate-limit-redis', 'redis-user-a']);
    // Pub/sub needs its own socket: the only other connection is the event bus subscriber.
    expect(connections.filter((connection) => !connection.shared).map((connection) => connection.users)).toEqual([['events-redis:subscriber']]);
  });

  it('accounts holds per URL without a server (open is called once per URL and closed with the last holder)', async () => {
    const opened: string[] = [];
    const closed: string[] = [];
    const open = async (options: RedisConnectionOptions): Promise<RedisConnection> => {
      opened.push(options.url);
      return { client: {} as RedisConnection['client'], lastError: () => undefined, redact: (text) => text, close: async () => void closed.push(options.url) };
    };
    const service = createRedisService(open);
    const [x, y, z] = await Promise.all([
      service.connect({ url: 'redis://one:6379', user: 'x' }),
      service.connect({ url: 'redis://one:6379', user: 'y' }),
      service.connect({ url: 'redis://two:6379', user: 'z' }),
    ]);
    expect(opened).toEqual(['redis://one:6379', 'redis://two:6379']);
    await x!.close();
    expect(closed).toEqual([]);
    await Promise.all([y!.close(), z!.close()]);
    expect(closed.sort()).toEqual(['redis://one:6379', 'redis://two:6379']);
    // A URL with a password is listed masked.
    await service.connect({ url: 'redis://user:s3cret-pass@one:6379', user: 'w' });
    expect(JSON.stringify(service.connections())).not.toContain('s3cret-pass');
  });
});
