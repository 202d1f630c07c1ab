import { describe, expect, it } from 'vitest';
import { AuthLimiter } from '../../../sdk/rate-limit/auth-limiter.ts';

function clock(start = 1_000_000) {
  const state = { now: start };
  return { state, now: () => state.now };
}

const LIMITS = { maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000, maxKeys: 10_000 };

describe('AuthLimiter', () => {
  it('AU-04: 10 failures in 60 s lock the key; the 11th attempt is refused with retryAfterMs', () => {
    const time = clock();
    const limiter = new AuthLimiter({ ...LIMITS, now: time.now });
    for (let i = 1; i < 10; i++) {
      expect(limiter.recordFailure('ip:1.2.3.4')).toEqual({ allowed: true, retryAfterMs: 0, remaining: 10 - i });
      time.state.now += 1_000;
    }
    expect(limiter.recordFailure('ip:1.2.3.4')).toEqual({ allowed: false, retryAfterMs: 300_000, remaining: 0 });
    time.state.now += 1_000;
    expect(limiter.check('ip:1.2.3.4')).toEqual({ allowed: false, retryAfterMs: 299_000, remaining: 0 });
  });

  it('AU-04: failures during a lockout do not extend it; after it the key starts afresh', () => {
    const time = clock();
    const limiter = new AuthLimiter({ ...LIMITS, now: time.now });
    for (let i = 0; i < 10; i++) limiter.recordFailure('k');
    time.state.now += 200_000;
    expect(limiter.recordFailure('k').retryAfterMs).toBe(100_000);
    time.state.now += 100_000;
    expect(limiter.check('k')).toEqual({ allowed: true, retryAfterMs: 0, remaining: 10 });
    expect(limiter.recordFailure('k').remaining).toBe(9);
  });

  it('the window slides: failures older than windowMs no longer count', () => {
    const time = clock();
    const limiter = new AuthLimiter({ ...LIMITS, now: time.now });
    for (let i = 0; i < 9; i++) limiter.recordFailure('k');
    time.state.now += 60_001;
    expect(limiter.recordFailure('k')).toEqual({ allowed: true, retryAfterMs: 0, remaining: 9 });
  });

  it('a success resets the count, but not a lockout', () => {
    const time = clock();
    const limiter = new AuthLimiter({ ...LIMITS, now: time.now });
    for (let i = 0; i < 9; i++) limiter.recordFailure('a');
    limiter.reset('a');
    expect(limiter.check('a').remaining).toBe(10);
    for (let i = 0; i < 10; i++) limiter.recordFailure('b');
    limiter.reset('b');
    expect(limiter.check('b').allowed).toBe(false);
  });

  it('keys are independent', () => {
    const limiter = new AuthLimiter(LIMITS);
    for (let i = 0; i < 10; i++) limiter.recordFailure('ip:1.2.3.4');
    expect(limiter.check('ip:1.2.3.5').allowed).toBe(true);
    expect(limiter.check('origin:http://evil.example').allowed).toBe(true);
  });

  it('AU-08: a flood of 50 000 unique keys stays under the cap and never unlocks a locked key', () => {
    const time = clock();
    const limiter = new AuthLimiter({ ...LIMITS, maxKeys: 1_000, now: time.now });
    for (let i = 0; i < 10; i++) limiter.recordFailure('ip:10.0.0.1');
    for (let i = 0; i < 50_000; i++) limiter.recordFailure(`ip:fake-${i}`);
    expect(limiter.size()).toBeLessThanOrEqual(2 * 1_000);
    expect(limiter.isLocked('ip:10.0.0.1')).toBe(true);
  });

  it('when the locked map itself is full, the lockout closest to its end goes first', () => {
    const time = clock();
    const limiter = new AuthLimiter({ ...LIMITS, maxAttempts: 1, maxKeys: 2, now: time.now });
    limiter.recordFailure('first');
    time.state.now += 1;
    limiter.recordFailure('second');
    limiter.recordFailure('third');
    expect([limiter.isLocked('first'), limiter.isLocked('second'), limiter.isLocked('third')]).toEqual([false, true, true]);
  });

  it('prune drops expired lockouts and windows', () => {
    const time = clock();
    const limiter = new AuthLimiter({ ...LIMITS, now: time.now });
    for (let i = 0; i < 10; i++) limiter.recordFailure('locked');
    limiter.recordFailure('counting');
    expect(limiter.size()).toBe(2);
    time.state.now += 300_001;
    limiter.prune();
    expect(limiter.size()).toBe(0);
  });
});
