/**
 * Budgets shared through the real Redis on 127.0.0.1:6379: two gateway kernels on one Redis
 * share one budget (what one spends, the other refuses), and counters changed by two instances
 * at once lose nothing (one Lua script per change).
 */
import { createClient } from '@keyv/redis';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Logger } from '../../../sdk/core/index.ts';
import { MemoryCounters, type CounterKey } from '../../../plugins/usage/budget-counters.ts';
import { RedisCounters } from '../../../plugins/usage/redis-counters.ts';
import { REDIS_URL, redisPrefix } from '../../helpers/redis.ts';
import { chat, startAgent } from '../agent/harness.ts';

async function redisClient() {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  onTestFinished(() => client.close());
  return client;
}

describe('budgets on Redis', () => {
  it('two gateways on one Redis share one daily budget', async () => {
    const prefix = redisPrefix();
    // $1 an input token: the first call's reported input (the whole request body) uses the budget up.
    const usage = ['usage', { prices: { 'fake/primary': { input: 1e6, output: 0 } }, timezone: 'UTC', redis: { url: REDIS_URL, keyPrefix: prefix }, budgets: [{ name: 'shared', scope: 'global', period: 'day', usd: 20 }] }];
    const a = await startAgent({ extra: [usage] });
    const b = await startAgent({ extra: [usage] });
    const first = await chat(await a.client(), 'hi');
    expect(first.final.payload.status).toBe('ok');
    const onB = await chat(await b.client(), 'hi from b');
    expect(onB.final.payload.error?.code).toBe('MOLT_ERR_USAGE_BUDGET_EXCEEDED');
    expect(b.fake.requests).toHaveLength(0);
    // The counter lives in Redis, one hash per scope and period, expiring after its day.
    const client = await redisClient();
    const keys = await client.keys(`${prefix}:usage:budget:*`);
    expect(keys).toEqual([expect.stringMatching(/^moltbot-test-\w+:usage:budget:global\|day\|\d{4}-\d{2}-\d{2}\|\*$/)]);
    const key = keys[0]!;
    const stored = await client.hGetAll(key);
    expect(Number(stored.usd)).toBeGreaterThanOrEqual(20);
    expect(await client.ttl(key)).toBeGreaterThan(24 * 3600);
  });

  it('changes from two instances at once are all counted', async () => {
    const prefix = redisPrefix();
    const client = await redisClient();
    const log = { warn: (...args: unknown[]) => { throw new Error(`unexpected warning ${JSON.stringify(args)}`); } } as unknown as Logger;
    const key: CounterKey = { id: 'global|month|2026-12|*', period: 'month', periodName: '2026-12' };
    const one = new RedisCounters(new MemoryCounters(), () => client as never, prefix, log);
    const two = new RedisCounters(new MemoryCounters(), () => client as never, prefix, log);
    await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? one : two).add([key], { tokens: 3, usd: 0.01 })));
    expect(await one.read([key])).toEqual([{ tokens: 300, usd: 1 }]);
    expect(await two.read([key])).toEqual([{ tokens: 300, usd: 1 }]);
  });

  it('seeds a counter Redis lost from the ledger, never over one it has', async () => {
    const prefix = redisPrefix();
    const client = await redisClient();
    const log = { warn: () => undefined } as unknown as Logger;
    const key: CounterKey = { id: 'agent|total|total|main', period: 'total', periodName: 'total' };
    const other: CounterKey = { id: 'agent|total|total|ops', period: 'total', periodName: 'total' };
    const local = new MemoryCounters();
    local.addNow([key, other], { tokens: 10, usd: 0.5 });
    await client.hSet(`${prefix}:usage:budget:${other.id}`, { tokens: '99', usd: '9' });
    await new RedisCounters(local, () => client as never, prefix, log).seed();
    expect(await client.hGetAll(`${prefix}:usage:budget:${key.id}`)).toEqual({ tokens: '10', usd: '0.5' });
    expect(await client.hGetAll(`${prefix}:usage:budget:${other.id}`)).toEqual({ tokens: '99', usd: '9' });
  });
});
