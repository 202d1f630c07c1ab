import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../../../plugins/cache-memory/memory-store.ts';
import { flakyStore, standaloneCache } from './helpers.ts';

const CANARY = 'canary-7f3a91-secret';

function memory() {
  return createMemoryStore({ maxEntries: 1000, maxBytes: 1_000_000, sweepIntervalMs: 60_000 });
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a failing tier', () => {
  it('is a miss, never an exception; it turns degraded, alerts once, is skipped, and recovers by itself', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const remote = flakyStore();
    const { cache, tiers, alerts, logs } = await standaloneCache([['memory', memory()], ['remote', remote]], { probeIntervalMs: 1_000, alertWindowMs: 60_000 });
    const ns = cache.namespace('p');
    await ns.set('k', 'v');
    await tiers[0]!.keyv('p').delete('k');

    remote.mode = 'fail';
    expect(await ns.get('k')).toBeUndefined();
    expect(cache.health()).toMatchObject({ status: 'degraded', tiers: [{ name: 'memory', status: 'ok' }, { name: 'remote', status: 'degraded', lastError: 'backend unavailable', errors: 1 }] });
    expect(alerts).toMatchObject([{ id: 'cache.tier.remote.degraded', state: 'firing', severity: 'warning', source: 'cache' }]);

    // Degraded: later calls do not even reach the backend, and fn answers for the missing tier.
    const callsWhenDegraded = remote.calls;
    expect(await ns.wrap('k', 1_000, () => 'from source')).toBe('from source');
    expect(await ns.get('k')).toBe('from source');
    expect(remote.calls).toBe(callsWhenDegraded);
    expect(tiers[1]!.metrics.skipped).toBeGreaterThan(0);

    // Still failing at the first probe: stays degraded, no second alert.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(remote.calls).toBe(callsWhenDegraded + 1);
    expect(cache.health().status).toBe('degraded');
    expect(alerts).toHaveLength(1);

    remote.mode = 'ok';
    await vi.advanceTimersByTimeAsync(1_000);
    expect(cache.health()).toMatchObject({ status: 'ok', tiers: [{ status: 'ok' }, { status: 'ok' }] });
    expect(alerts.map((alert) => alert.state)).toEqual(['firing', 'resolved']);
    expect(logs.map((line) => `${line.level}: ${line.message}`)).toEqual([
      'warn: cache tier "remote" degraded: reads and writes skip it until it answers again',
      'info: cache tier "remote" recovered',
    ]);
    await ns.set('k2', 'back');
    await tiers[0]!.keyv('p').delete('k2');
    expect(await ns.get('k2')).toBe('back');
  });

  it('raises at most one alert per window however often the backend flaps', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const remote = flakyStore();
    const { cache, alerts } = await standaloneCache([['remote', remote]], { probeIntervalMs: 100, alertWindowMs: 10_000 });
    const ns = cache.namespace('p');
    for (let flap = 0; flap < 5; flap++) {
      remote.mode = 'fail';
      await ns.get('k');
      remote.mode = 'ok';
      await vi.advanceTimersByTimeAsync(100);
      expect(cache.health().status).toBe('ok');
    }
    expect(alerts.map((alert) => alert.state)).toEqual(['firing', 'resolved']);
    await vi.advanceTimersByTimeAsync(10_000);
    remote.mode = 'fail';
    await ns.get('k');
    expect(alerts.map((alert) => alert.state)).toEqual(['firing', 'resolved', 'firing']);
  });

  it('times out a slow call: a miss after timeoutMs, counted, degraded', async () => {
    const remote = flakyStore({ timeoutMs: 30 });
    const { cache, tiers } = await standaloneCache([['remote', remote]], { probeIntervalMs: 10_000 });
    const ns = cache.namespace('p');
    await ns.set('k', 'v');
    remote.mode = 'hang';
    const started = performance.now();
    expect(await ns.get('k')).toBeUndefined();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(25);
    expect(waited).toBeLessThan(1_000);
    expect(tiers[0]!.metrics.figures()).toMatchObject({ timeouts: 1, errors: 1 });
    expect(cache.health().tiers[0]).toMatchObject({ status: 'degraded', lastError: 'read timed out after 30 ms' });
    // A write to a degraded tier is skipped at once instead of waiting out another timeout:
    // it never reaches the hanging backend.
    const callsBefore = remote.calls;
    await ns.set('k', 'v2');
    expect(remote.calls).toBe(callsBefore);
  });

  it('turns degraded on an error outside any call (a dropped connection), counted once per error', async () => {
    const remote = flakyStore();
    const { cache, tiers } = await standaloneCache([['remote', remote]], { probeIntervalMs: 10_000 });
    const ns = cache.namespace('p');
    const other = cache.namespace('q');
    await ns.get('k');
    await other.get('k');
    remote.emitError(new Error('Socket closed unexpectedly'));
    expect(tiers[0]!.metrics.errors).toBe(1);
    expect(cache.health().tiers[0]).toMatchObject({ status: 'degraded', lastError: 'Socket closed unexpectedly' });
  });

  it('never lets a secret reach health, alerts or logs', async () => {
    const url = `redis://user:${CANARY}@127.0.0.1:6399`;
    const remote = flakyStore({ secrets: [url] });
    const { cache, alerts, logs } = await standaloneCache([['remote', remote]], { probeIntervalMs: 10_000 });
    const ns = cache.namespace('p');
    await ns.get('warm-up');
    remote.emitError(new Error(`connect ECONNREFUSED while dialing ${url}`));
    const surfaces = JSON.stringify({ health: cache.health(), alerts, logs });
    expect(surfaces).not.toContain(CANARY);
    expect(cache.health().tiers[0]!.lastError).toMatchInlineSnapshot(`"connect ECONNREFUSED while dialing [REDACTED]"`);
  });

  it('starts degraded when a store with ping() does not answer at start', async () => {
    const down = { ...flakyStore(), ping: async () => { throw new Error('not connected to Redis (connect ECONNREFUSED 127.0.0.1:6399)'); } };
    const { cache, alerts } = await standaloneCache([['remote', down]], { probeIntervalMs: 10_000 });
    expect(cache.health().tiers[0]).toMatchObject({ status: 'degraded', lastError: 'not connected to Redis (connect ECONNREFUSED 127.0.0.1:6399)' });
    expect(alerts).toHaveLength(1);
  });
});
