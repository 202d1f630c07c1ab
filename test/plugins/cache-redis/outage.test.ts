import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../../plugins/cache-memory/memory-store.ts';
import { createRedisStore } from '../../../plugins/cache-redis/redis-store.ts';
import { standaloneCache } from '../cache/helpers.ts';
import { freePort, startRedisServer } from './redis-server.ts';

const CANARY = 'canary-b81c2e-redis-password';

function memory() {
  return createMemoryStore({ maxEntries: 1000, maxBytes: 1_000_000, sweepIntervalMs: 60_000 });
}

async function eventually(check: () => boolean, what: string, withinMs = 5_000): Promise<void> {
  const until = Date.now() + withinMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`not ${what} within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Redis outage (a private redis-server, killed and restarted mid-test)', () => {
  it('outage → misses, degraded, one alert → restart → recovers by itself and caches again', async () => {
    const server = await startRedisServer({ password: CANARY });
    const url = `redis://:${CANARY}@127.0.0.1:${server.port}`;
    const store = await createRedisStore({ url, keyPrefix: 'outage', opTimeoutMs: 200, connectTimeoutMs: 1_000 });
    const { cache, tiers, alerts, logs } = await standaloneCache([['memory', memory()], ['redis', store]], { probeIntervalMs: 50 });
    const ns = cache.namespace('p');
    await ns.set('k', 'v', 60_000);
    expect(cache.health().status).toBe('ok');

    await server.stop();
    await tiers[0]!.keyv('p').clear();
    // A miss, not a wait for the reconnect (Redis stays down until restarted below: a read that
    // waited for it would never return and the test would time out).
    expect(await ns.get('k')).toBeUndefined();
    await eventually(() => cache.health().status === 'degraded', 'degraded');
    expect(alerts.map((alert) => [alert.id, alert.state])).toEqual([['cache.tier.redis.degraded', 'firing']]);

    // While Redis is down the gateway keeps answering from memory and the source.
    let loads = 0;
    for (let i = 0; i < 20; i++) expect(await ns.wrap('w', 60_000, () => ++loads)).toBe(1);
    expect(loads).toBe(1);
    expect(alerts).toHaveLength(1);

    await server.start();
    await eventually(() => cache.health().status === 'ok', 'recovered');
    expect(alerts.map((alert) => alert.state)).toEqual(['firing', 'resolved']);
    await ns.set('after', 'back', 60_000);
    await tiers[0]!.keyv('p').clear();
    expect(await ns.get('after')).toBe('back');
    expect(tiers[1]!.metrics.hits).toBeGreaterThanOrEqual(1);

    const surfaces = JSON.stringify({ health: cache.health(), alerts, logs });
    expect(surfaces).not.toContain(CANARY);
  });

  it('starts with Redis down (bounded wait, degraded), then picks Redis up when it appears', async () => {
    const port = await freePort();
    const began = performance.now();
    const store = await createRedisStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: 'late', opTimeoutMs: 200, connectTimeoutMs: 300 });
    const { cache, alerts } = await standaloneCache([['memory', memory()], ['redis', store]], { probeIntervalMs: 50 });
    expect(performance.now() - began).toBeLessThan(1_500);
    expect(cache.health().tiers[1]).toMatchObject({ name: 'redis', status: 'degraded' });
    expect(cache.health().tiers[1]!.lastError).toMatch(/^not connected to Redis/);
    expect(alerts).toHaveLength(1);
    const ns = cache.namespace('p');
    await ns.set('k', 'memory still works');
    expect(await ns.get('k')).toBe('memory still works');

    await startRedisServer({ port });
    await eventually(() => cache.health().status === 'ok', 'recovered');
    expect(alerts.map((alert) => alert.state)).toEqual(['firing', 'resolved']);
  });
});
