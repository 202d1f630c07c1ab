import { describe, expect, it } from 'vitest';
import { createMemoryRateLimit } from '../../../sdk/rate-limit/service.ts';

const options = (requests = { enabled: true, requestsPerMinute: 60, burstSize: 2 }) => ({
  auth: { maxAttempts: 3, windowMs: 60_000, lockoutMs: 300_000, remoteChecksPerMinute: 5 },
  requests,
  maxKeys: 100,
});

describe('memory rate-limit service', () => {
  it('AU-06: a failure counts under every key of the attempt; any locked key refuses', async () => {
    const limiter = createMemoryRateLimit(options());
    for (let i = 0; i < 3; i++) await limiter.recordAuthFailure(['ip:1.2.3.4', 'origin:https://a.example']);
    expect((await limiter.checkAuth(['origin:https://a.example'])).allowed).toBe(false);
    expect((await limiter.checkAuth(['ip:9.9.9.9', 'ip:1.2.3.4'])).allowed).toBe(false);
    expect((await limiter.checkAuth(['ip:9.9.9.9'])).allowed).toBe(true);
  });

  it('reports the fewest remaining attempts across keys', async () => {
    const limiter = createMemoryRateLimit(options());
    await limiter.recordAuthFailure(['a']);
    await limiter.recordAuthFailure(['a']);
    expect(await limiter.checkAuth(['b', 'a'])).toEqual({ allowed: true, retryAfterMs: 0, remaining: 1 });
  });

  it('success forgets only the keys it names', async () => {
    const limiter = createMemoryRateLimit(options());
    await limiter.recordAuthFailure(['a', 'b']);
    await limiter.recordAuthSuccess(['a']);
    expect((await limiter.checkAuth(['a'])).remaining).toBe(3);
    expect((await limiter.checkAuth(['b'])).remaining).toBe(2);
  });

  it('request limiting off: every request allowed, no buckets kept', async () => {
    const limiter = createMemoryRateLimit(options({ enabled: false, requestsPerMinute: 1, burstSize: 1 }));
    for (let i = 0; i < 10; i++) expect((await limiter.takeRequest('conn:x')).allowed).toBe(true);
    expect(limiter.size()).toEqual({ authKeys: 0, requestKeys: 0 });
  });

  it('request limiting on: burst then refusal', async () => {
    const limiter = createMemoryRateLimit(options());
    await limiter.takeRequest('k');
    await limiter.takeRequest('k');
    expect((await limiter.takeRequest('k')).allowed).toBe(false);
    limiter.forget('k');
    expect((await limiter.takeRequest('k')).allowed).toBe(true);
  });

  it('IN-19 #4: the remote password-check budget: remoteChecksPerMinute checks, then refusal with the wait for the next one', async () => {
    let now = 1_000_000;
    const limiter = createMemoryRateLimit({ ...options(), now: () => now });
    const taken = [];
    for (let i = 0; i < 7; i++) taken.push((await limiter.takeRemoteAuthCheck()).allowed);
    expect(taken).toEqual([true, true, true, true, true, false, false]);
    const refused = await limiter.takeRemoteAuthCheck();
    expect(refused.retryAfterMs).toBe(12_000);
    now += 12_000;
    expect((await limiter.takeRemoteAuthCheck()).allowed).toBe(true);
    expect((await limiter.takeRemoteAuthCheck()).allowed).toBe(false);
  });
});
