import { describe, expect, it } from 'vitest';
import { ALLOWED, TokenBuckets } from '../../../sdk/rate-limit/token-bucket.ts';

describe('TokenBuckets', () => {
  it('IN-15: a burst passes, then requests are refused with the time until the next token', () => {
    const time = { now: 0 };
    const buckets = new TokenBuckets({ requestsPerMinute: 600, burstSize: 5, maxKeys: 10, now: () => time.now });
    for (let i = 0; i < 5; i++) expect(buckets.take('conn:a')).toBe(ALLOWED);
    expect(buckets.take('conn:a')).toEqual({ allowed: false, retryAfterMs: 100 });
    expect(buckets.take('conn:b')).toBe(ALLOWED);
    time.now += 100;
    expect(buckets.take('conn:a')).toBe(ALLOWED);
    expect(buckets.take('conn:a').allowed).toBe(false);
  });

  it('refills no further than the burst size', () => {
    const time = { now: 0 };
    const buckets = new TokenBuckets({ requestsPerMinute: 60_000, burstSize: 2, maxKeys: 10, now: () => time.now });
    buckets.take('k');
    time.now += 60_000;
    expect(buckets.take('k').allowed).toBe(true);
    expect(buckets.take('k').allowed).toBe(true);
    expect(buckets.take('k').allowed).toBe(false);
  });

  it('keeps at most maxKeys buckets; forget drops one', () => {
    const buckets = new TokenBuckets({ requestsPerMinute: 60, burstSize: 1, maxKeys: 3 });
    for (let i = 0; i < 10; i++) buckets.take(`k${i}`);
    expect(buckets.size()).toBe(3);
    buckets.forget('k9');
    expect(buckets.size()).toBe(2);
  });

  it('rejects a limit that could never refill', () => {
    expect(() => new TokenBuckets({ requestsPerMinute: 0, burstSize: 1, maxKeys: 1 })).toThrowErrorMatchingInlineSnapshot(`[RangeError: token bucket needs requestsPerMinute > 0 and burstSize >= 1 (got 0, 1)]`);
  });
});
