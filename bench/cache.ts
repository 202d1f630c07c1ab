/**
 * Cache bench: get-hit latency and ops/s for each tier through the cache service, against raw
 * Keyv on the same store and against a plain Map, all in one run with rounds interleaved (CPU
 * regimes on this machine change for minutes at a time: only same-run ratios mean anything).
 * Also: a memory hit through the full memory → disk → Redis stack against memory-only, with
 * the Redis server's own command counters showing that hit never reaches Redis.
 * Redis: REDIS_URL, else redis://127.0.0.1:6379; the bench writes under a unique prefix and
 * removes it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import type { Keyv } from 'keyv';
import { TieredCache } from '../plugins/cache/tiered-cache.ts';
import type { CacheNamespace } from '../sdk/cache/index.ts';
import type { CacheStore } from '../sdk/cache/index.ts';
import { Tier } from '../plugins/cache/tier.ts';
import { createDiskStore } from '../plugins/cache-disk/disk-store.ts';
import { createMemoryStore } from '../plugins/cache-memory/memory-store.ts';
import { createRedisStore } from '../plugins/cache-redis/redis-store.ts';
import { row, summarize } from './stats.ts';

const ROUNDS = 7;
const VALUE = { id: 42, name: 'session', tags: ['a', 'b'], updatedAt: 1_700_000_000_000 };
const quiet = { warn: () => {}, info: () => {} };

type Op = () => unknown;

/** ns per awaited call, over `calls` sequential calls. */
async function nsPerAwaitedCall(op: Op, calls: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await op();
  return Number(process.hrtime.bigint() - start) / calls;
}

/** Interleaves the contenders round by round (shared CPU regime) and returns each one's median ns/op. */
async function compare(contenders: Record<string, Op>, calls: number): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  for (const op of Object.values(contenders)) await nsPerAwaitedCall(op, Math.ceil(calls / 5));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, op] of Object.entries(contenders)) samples[name]!.push(await nsPerAwaitedCall(op, calls));
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, summarize(values).median]));
}

function cacheOver(stores: [string, CacheStore][]): CacheNamespace {
  const tiers = stores.map(([name, store]) => new Tier({
    name, store, plugin: `cache-${name}`, probeIntervalMs: 1_000, alertWindowMs: 60_000, alert: () => {}, log: quiet,
  }));
  const cache = new TieredCache({ defaultTtlMs: 600_000 });
  cache.attach(tiers);
  return cache.namespace('bench');
}

function rawKeyv(store: CacheStore): Keyv {
  const keyv = store.keyv('raw');
  keyv.on('error', () => {});
  return keyv;
}

const fmt = (ns: number) => (ns >= 10_000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);
const ops = (ns: number) => `${Math.round(1e9 / ns).toLocaleString('en-US')} ops/s`;

async function redisCommandCalls(client: { info(section: string): Promise<unknown> }): Promise<number> {
  const stats = String(await client.info('commandstats'));
  let total = 0;
  for (const match of stats.matchAll(/cmdstat_(\w+):calls=(\d+)/g)) if (match[1] !== 'info') total += Number(match[2]);
  return total;
}

export async function benchCache(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'moltbot-bench-cache-'));
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const keyPrefix = `moltbot-bench-${process.pid}-${Date.now()}`;
  const memory = createMemoryStore({ maxEntries: 10_000, maxBytes: 64 * 1024 * 1024, sweepIntervalMs: 60_000 });
  const disk = createDiskStore({ path: join(dir, 'cache.sqlite'), maxEntries: 100_000, sweepIntervalMs: 60_000 });
  const redis = await createRedisStore({ url, keyPrefix, opTimeoutMs: 1_000, connectTimeoutMs: 2_000 });
  const admin = createClient({ url });
  const lines = ['# cache (get hits; median of 7 interleaved rounds)'];
  try {
    await admin.connect();
    const map = new Map([['hot', VALUE]]);
    const raw = { memory: rawKeyv(memory), disk: rawKeyv(disk), redis: rawKeyv(redis) };
    for (const keyv of Object.values(raw)) await keyv.set('hot', VALUE, 600_000);
    const only = { memory: cacheOver([['memory', memory]]), disk: cacheOver([['disk', disk]]), redis: cacheOver([['redis', redis]]) };
    const full = cacheOver([['memory', memory], ['disk', disk], ['redis', redis]]);
    for (const ns of [...Object.values(only), full]) await ns.set('hot', VALUE);

    const m = await compare({
      map: () => map.get('hot'),
      keyv: () => raw.memory.get('hot'),
      tier: () => only.memory.get('hot'),
      full: () => full.get('hot'),
    }, 100_000);
    const before = await redisCommandCalls(admin);
    for (let i = 0; i < 10_000; i++) await full.get('hot');
    const redisCommands = (await redisCommandCalls(admin)) - before;
    const ratio = m.tier! / m.keyv!;
    lines.push(
      row('plain Map.get (awaited)', fmt(m.map!), `${ops(m.map!)}, baseline`),
      row('raw Keyv get, memory store (LRU, no serialization)', fmt(m.keyv!), `${ops(m.keyv!)}, ${(m.keyv! / m.map!).toFixed(1)}x Map`),
      row('cache get, tiers [memory]', fmt(m.tier!), `${ops(m.tier!)}, ${ratio.toFixed(2)}x raw Keyv (goal <= 2x): ${ratio <= 2 ? 'MET' : 'MISSED'}`),
      row('cache get, tiers [memory, disk, redis], memory hit', fmt(m.full!), `${ops(m.full!)}, ${(m.full! / m.tier!).toFixed(2)}x memory-only`),
      row('Redis commands during 10,000 such hits (INFO commandstats)', String(redisCommands), redisCommands === 0 ? 'no Redis round trip' : 'other clients, or a round trip: investigate'),
    );

    const d = await compare({ keyv: () => raw.disk.get('hot'), tier: () => only.disk.get('hot') }, 20_000);
    lines.push(
      row('raw Keyv get, disk store (node:sqlite adapter, JSON)', fmt(d.keyv!), ops(d.keyv!)),
      row('cache get, tiers [disk]', fmt(d.tier!), `${ops(d.tier!)}, ${(d.tier! / d.keyv!).toFixed(2)}x raw Keyv`),
    );

    const r = await compare({ keyv: () => raw.redis.get('hot'), tier: () => only.redis.get('hot') }, 1_000);
    lines.push(
      row('raw Keyv get, Redis store (@keyv/redis, loopback)', fmt(r.keyv!), ops(r.keyv!)),
      row('cache get, tiers [redis]', fmt(r.tier!), `${ops(r.tier!)}, ${(r.tier! / r.keyv!).toFixed(2)}x raw Keyv`),
    );
    return lines;
  } finally {
    const keys: string[] = [];
    if (admin.isReady) {
      for await (const batch of admin.scanIterator({ MATCH: `${keyPrefix}:*`, COUNT: 500 })) keys.push(...batch);
      if (keys.length > 0) await admin.unlink(keys);
      await admin.close();
    }
    await Promise.allSettled([memory.close(), disk.close(), redis.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  for (const line of await benchCache()) console.log(line);
}
