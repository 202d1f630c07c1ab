import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createClient } from '@keyv/redis';
import { Keyv } from 'keyv';
import { definePlugin } from '../../../core/plugin.ts';
import type { Alert, Check } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { getCache, getCacheHooks, useCache } from '../../../plugins/cache/index.ts';

/** The first-party stores by name, as the package catalogue knows them. */
const catalogue = {
  cache: () => import('../../../plugins/cache/index.ts'),
  'cache-memory': () => import('../../../plugins/cache-memory/index.ts'),
  'cache-disk': () => import('../../../plugins/cache-disk/index.ts'),
  'cache-redis': () => import('../../../plugins/cache-redis/index.ts'),
};

async function redisPrefix() {
  const prefix = `moltbot-test-${randomUUID()}`;
  onTestFinished(async () => {
    const client = createClient({ url: 'redis://127.0.0.1:6379' });
    await client.connect();
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) keys.push(...batch);
    if (keys.length > 0) await client.unlink(keys);
    await client.close();
  });
  return prefix;
}

function sharedStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'moltbot-cache-state-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The same config every time except `cache.tiers`: swapping backends is a config change. */
function config(tiers: string[], prefix: string) {
  return {
    cache: { tiers, ttl: 60_000, redis: { url: 'redis://127.0.0.1:6379' } },
    plugins: ['cache', 'cache-memory', 'cache-disk', ['cache-redis', { keyPrefix: prefix }]],
  };
}

async function metricsOf(kernel: { hooks: { collectMetrics: { promise(c: unknown): Promise<void> } } }) {
  const rows: Record<string, number> = {};
  await kernel.hooks.collectMetrics.promise({ set: (name: string, value: number, labels?: Record<string, string>) => { rows[`${name}{${labels?.tier}}`] = value; } });
  return rows;
}

async function checksOf(kernel: { hooks: { diagnose: { promise(r: unknown): Promise<void> } } }) {
  const checks: Check[] = [];
  await kernel.hooks.diagnose.promise({ add: (check: Check) => checks.push(check) });
  return checks;
}

describe('cache plugins in a kernel', () => {
  it.each([
    [['memory'], false],
    [['memory', 'disk'], true],
    [['memory', 'disk', 'redis'], true],
  ])('tiers %j: same code, backends chosen by config alone (survives a restart: %s)', async (tiers, durable) => {
    const prefix = await redisPrefix();
    const stateDir = sharedStateDir();
    const boot = () => createTestKernel({ config: config(tiers, prefix), catalogue, env: { MOLTBOT_STATE_DIR: stateDir } });

    const first = await boot();
    const cache = getCache(first);
    expect(cache.tiers).toEqual(tiers);
    const ns = cache.namespace('agent');
    let loads = 0;
    const load = async () => ({ loaded: ++loads });
    const [a, b] = await Promise.all([ns.wrap('profile', 30_000, load), ns.wrap('profile', 30_000, load)]);
    expect([a, b, loads]).toEqual([{ loaded: 1 }, { loaded: 1 }, 1]);
    expect(await ns.get('profile')).toEqual({ loaded: 1 });
    expect(cache.health()).toMatchObject({ status: 'ok', tiers: tiers.map((name) => ({ name, status: 'ok', plugin: `cache-${name}` })) });
    const metrics = await metricsOf(first);
    expect(metrics['hits{memory}']).toBe(1);
    expect(metrics['entries{memory}']).toBe(1);
    expect(metrics['bytes{memory}']).toBeGreaterThan(0);
    expect((await checksOf(first)).map((check) => [check.id, check.severity])).toEqual(tiers.map((name) => [`cache.tier.${name}`, 'ok']));
    await first.close();

    const second = await boot();
    expect(await getCache(second).namespace('agent').get('profile')).toEqual(durable ? { loaded: 1 } : undefined);
  });

  it('uses every registered store, fastest first, when cache.tiers is not set', async () => {
    const kernel = await createTestKernel({ config: { plugins: ['cache-disk', 'cache', 'cache-memory'] }, catalogue });
    expect(getCache(kernel).tiers).toEqual(['memory', 'disk']);
  });

  it('fails the start with a config error naming the plugin to add for an unknown tier', async () => {
    let error: any;
    try {
      await createTestKernel({ config: { cache: { tiers: ['memory', 'redis'] }, plugins: ['cache', 'cache-memory'] }, catalogue });
    } catch (caught) {
      error = caught;
    }
    expect(error.code).toBe('MOLT_ERR_CONFIG_INVALID');
    expect(error.describe()).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_INVALID: cache.tiers[1] names tier "redis", which no store plugin provides (provided: memory)
        at plugin "cache", path cache.tiers[1]
        fix: Add "cache-redis" to \`plugins\`, or remove "redis" from cache.tiers."
    `);
  });

  it('takes a user store through the same contract (here a Keyv over a Map)', async () => {
    const writes: string[] = [];
    const mapStore = definePlugin({
      name: 'cache-map', version: '1.0.0', dependencies: ['cache'],
      setup(ctx) {
        const map = new Map<string, unknown>();
        getCacheHooks(ctx).stores.tap(ctx.name, (stores) => stores.set('map', {
          plugin: ctx.name, rank: 5,
          create: () => ({
            timeoutMs: 0,
            keyv: (namespace) => {
              const keyv = new Keyv({ store: map, namespace });
              keyv.on('error', () => {});
              return keyv;
            },
            close: async () => { writes.push(...map.keys()); },
          }),
        }));
      },
    });
    const consumer = definePlugin({
      name: 'notes', version: '1.0.0', dependencies: ['cache'],
      setup(ctx) {
        ctx.hooks.start.tapPromise(ctx.name, async () => {
          await useCache(ctx).set('greeting', 'hello');
        });
      },
    });
    const kernel = await createTestKernel({ config: { cache: { tiers: ['map'] }, plugins: ['cache'] }, catalogue, plugins: [mapStore, consumer] });
    expect(await getCache(kernel).namespace('notes').get('greeting')).toBe('hello');
    await kernel.close();
    expect(writes).toEqual(['notes::greeting']);
  });

  it('rejects a bad Redis URL option without printing it', async () => {
    const canary = 'canary-5d0c-option-secret';
    let error: any;
    try {
      await createTestKernel({ config: { cache: { tiers: ['redis'] }, plugins: ['cache', ['cache-redis', { url: `http://user:${canary}@cache.internal:6379` }]] }, catalogue });
    } catch (caught) {
      error = caught;
    }
    expect(error.code).toBe('MOLT_ERR_PLUGIN_OPTIONS_INVALID');
    expect(error.describe()).not.toContain(canary);
    expect(error.message).toMatchInlineSnapshot(`
      "Invalid options for plugin "cache-redis" (config → plugins[1])
       - options.url must match pattern "^rediss?://" (value hidden: secret field) -> Connection URL of the Redis server (redis:// or rediss:// for TLS); may carry a password, so write it as \${REDIS_URL}."
    `);
  });
});

describe('a Redis outage seen through the kernel', () => {
  it('alerts through the alert hook, shows in diagnose, and never logs the password', async () => {
    const { startRedisServer } = await import('../cache-redis/redis-server.ts');
    const canary = 'canary-44e1-kernel-redis';
    const server = await startRedisServer({ password: canary });
    const alerts: Alert[] = [];
    const sink = definePlugin({
      name: 'alert-recorder', version: '1.0.0',
      setup(ctx) {
        ctx.hooks.alert.tapPromise(ctx.name, async (alert) => { alerts.push(alert); });
      },
    });
    const kernel = await createTestKernel({
      config: {
        cache: { tiers: ['memory', 'redis'], redis: { url: `redis://:${canary}@127.0.0.1:${server.port}` } },
        plugins: [['cache', { probeIntervalMs: 50 }], 'cache-memory', ['cache-redis', { opTimeoutMs: 200, connectTimeoutMs: 1_000 }]],
      },
      catalogue,
      plugins: [sink],
    });
    const ns = getCache(kernel).namespace('p');
    await ns.set('k', 'v');
    await server.stop();
    await ns.set('k2', 'v2');
    for (let i = 0; i < 100 && getCache(kernel).health().status !== 'degraded'; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(alerts.map((alert) => [alert.id, alert.state])).toEqual([['cache.tier.redis.degraded', 'firing']]);
    const redisCheck = (await checksOf(kernel)).find((check) => check.id === 'cache.tier.redis')!;
    expect(redisCheck.severity).toBe('warning');
    expect(await ns.get('k')).toBe('v');

    await server.start();
    for (let i = 0; i < 250 && getCache(kernel).health().status !== 'ok'; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(getCache(kernel).health().status).toBe('ok');
    expect(alerts.map((alert) => alert.state)).toEqual(['firing', 'resolved']);
    await kernel.close();
    expect(JSON.stringify(kernel.logs)).not.toContain(canary);
    expect(kernel.logs.some((line) => line.msg === 'cache tier "redis" degraded: reads and writes skip it until it answers again')).toBe(true);
  });
});
