import { describe, expect, it } from 'vitest';
import { IdempotencyCache, type Outcome } from '../../../plugins/gateway/idempotency.ts';

describe('IdempotencyCache', () => {
  it('IN-16: a repeat within the TTL gets the first outcome; after the TTL it runs again', async () => {
    const time = { now: 0 };
    const cache = new IdempotencyCache({ ttlMs: 1_000, maxEntries: 10, now: () => time.now });
    let runs = 0;
    const work = async (): Promise<Outcome> => ({ ok: true, payload: ++runs });
    expect(await cache.run('k', work).outcome).toEqual({ ok: true, payload: 1 });
    time.now = 999;
    const again = cache.run('k', work);
    expect(again.replayed).toBe(true);
    expect(await again.outcome).toEqual({ ok: true, payload: 1 });
    time.now = 1_000;
    expect(await cache.run('k', work).outcome).toEqual({ ok: true, payload: 2 });
  });

  it('a repeat while the first is still running shares it', async () => {
    const cache = new IdempotencyCache({ ttlMs: 1_000, maxEntries: 10 });
    let release: (outcome: Outcome) => void = () => undefined;
    let runs = 0;
    const first = cache.run('k', () => { runs++; return new Promise((resolve) => { release = resolve; }); });
    const second = cache.run('k', async () => { runs++; return { ok: true, payload: 'second' }; });
    release({ ok: true, payload: 'first' });
    expect([await first.outcome, await second.outcome, runs]).toEqual([{ ok: true, payload: 'first' }, { ok: true, payload: 'first' }, 1]);
  });

  it('keeps at most maxEntries keys, oldest out first', async () => {
    const cache = new IdempotencyCache({ ttlMs: 60_000, maxEntries: 2 });
    const work = async (): Promise<Outcome> => ({ ok: true, payload: null });
    cache.run('a', work);
    cache.run('b', work);
    cache.run('c', work);
    expect(cache.size).toBe(2);
    expect(cache.run('a', work).replayed).toBe(false);
    expect(cache.run('c', work).replayed).toBe(true);
  });
});
