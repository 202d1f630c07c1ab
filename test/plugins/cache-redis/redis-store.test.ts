import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createClient } from '@keyv/redis';
import { createMemoryStore } from '../../../plugins/cache-memory/memory-store.ts';
import { createRedisStore } from '../../../plugins/cache-redis/redis-store.ts';
import { standaloneCache } from '../cache/helpers.ts';
import { startRedisServer } from './redis-server.ts';

const SHARED_REDIS = 'redis://127.0.0.1:6379';

/** A client for assertions on the shared Redis, plus a unique key prefix removed after the test. */
async function sharedRedis() {
  const prefix = `moltbot-test-${randomUUID()}`;
  const client = createClient({ url: SHARED_REDIS });
  await client.connect();
  onTestFinished(async () => {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) keys.push(...batch);
    if (keys.length > 0) await client.unlink(keys);
    await client.close();
  });
  return { prefix, client };
}

function memory() {
  return createMemoryStore({ maxEntries: 1000, maxBytes: 1_000_000, sweepIntervalMs: 60_000 });
}

function redisStore(url: string, keyPrefix: string) {
  return createRedisStore({ url, keyPrefix, opTimeoutMs: 500, connectTimeoutMs: 1_000 });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('redis store (real Redis on 127.0.0.1:6379)', () => {
  it('writes <keyPrefix>:<namespace>::<key> with a native Redis expiry', async () => {
    const { prefix, client } = await sharedRedis();
    const { cache } = await standaloneCache([['redis', await redisStore(SHARED_REDIS, prefix)]]);
    await cache.namespace('agent').set('session:1', { turns: 3 }, 60_000);
    const key = `${prefix}:agent::session:1`;
    expect(JSON.parse((await client.get(key))!)).toMatchObject({ value: { turns: 3 } });
    const pttl = await client.pTTL(key);
    expect(pttl).toBeGreaterThan(55_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
  });

  it('expires entries in Redis itself (short real ttl)', async () => {
    const { prefix, client } = await sharedRedis();
    const { cache } = await standaloneCache([['redis', await redisStore(SHARED_REDIS, prefix)]]);
    const ns = cache.namespace('p');
    await ns.set('short', 'v', 150);
    expect(await ns.get('short')).toBe('v');
    await sleep(250);
    expect(await client.exists(`${prefix}:p::short`)).toBe(0);
    expect(await ns.get('short')).toBeUndefined();
  });

  it('promotes a Redis hit into memory with the remaining ttl (same absolute expiry)', async () => {
    const { prefix } = await sharedRedis();
    const { cache, tiers } = await standaloneCache([['memory', memory()], ['redis', await redisStore(SHARED_REDIS, prefix)]]);
    const ns = cache.namespace('p');
    await ns.set('k', { n: 1 }, 5_000);
    const stored = await tiers[1]!.keyv('p').getRaw('k') as { expires: number };
    await tiers[0]!.keyv('p').clear();
    await sleep(30);
    expect(await ns.get('k')).toEqual({ n: 1 });
    expect(tiers[1]!.metrics.hits).toBe(1);
    expect(await tiers[0]!.keyv('p').getRaw('k')).toEqual({ value: { n: 1 }, expires: stored.expires });
    expect(stored.expires - Date.now()).toBeLessThan(5_000 - 25);
  });

  it('clears one namespace and leaves the others', async () => {
    const { prefix, client } = await sharedRedis();
    const { cache } = await standaloneCache([['redis', await redisStore(SHARED_REDIS, prefix)]]);
    await cache.namespace('a').set('1', 1);
    await cache.namespace('a').set('2', 2);
    await cache.namespace('b').set('1', 'b');
    await cache.namespace('a').clear();
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}:*` })) keys.push(...batch);
    expect(keys).toEqual([`${prefix}:b::1`]);
  });

  it('answers a memory hit without any Redis command (counted by INFO commandstats)', async () => {
    const server = await startRedisServer();
    const { cache } = await standaloneCache([['memory', memory()], ['redis', await redisStore(server.url, 'count')]]);
    const ns = cache.namespace('p');
    await ns.set('hot', 'v');
    const probe = createClient({ url: server.url });
    await probe.connect();
    onTestFinished(() => probe.close());
    const commands = async () => {
      const stats = await probe.info('commandstats');
      return Object.fromEntries([...stats.matchAll(/cmdstat_(\w+):calls=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
    };
    const before = await commands();
    for (let i = 0; i < 200; i++) expect(await ns.get('hot')).toBe('v');
    const after = await commands();
    // The only new command is the INFO that measured it.
    expect({ get: after.get ?? 0, info: after.info! - before.info! }).toEqual({ get: before.get ?? 0, info: 1 });
  });
});
