/**
 * Failed-authentication limiter: `maxAttempts` failures within a sliding `windowMs` lock the
 * key for `lockoutMs`. While locked every attempt is refused, the right secret included, and
 * further failures do not extend the lockout (so a client that keeps trying is let in again
 * on schedule). Keys are opaque (`ip:…`, `origin:…`); the caller canonicalises them.
 *
 * Memory: keys still counting live in one bounded map (oldest evicted first), locked keys in
 * another, so a flood of fresh addresses can push out counting keys but never unlocks a key
 * early unless the locked map itself is full, and then the lockout closest to its end goes.
 */
import { BoundedMap } from './bounded-map.ts';

export interface AuthLimiterOptions {
  maxAttempts: number;
  windowMs: number;
  lockoutMs: number;
  /** Cap of each of the two key maps (counting, locked). */
  maxKeys: number;
  now?: () => number;
}

export interface AuthDecision {
  allowed: boolean;
  /** 0 when allowed. */
  retryAfterMs: number;
  /** Failures left before a lockout (0 while locked). */
  remaining: number;
}

export class AuthLimiter {
  readonly options: Readonly<Required<Omit<AuthLimiterOptions, 'now'>>>;
  readonly #now: () => number;
  /** Failure timestamps inside the window, oldest first. */
  readonly #counting: BoundedMap<string, number[]>;
  /** Key → lockout end. Lockouts all last `lockoutMs`, so insertion order is expiry order. */
  readonly #locked: BoundedMap<string, number>;

  constructor(options: AuthLimiterOptions) {
    const { now, ...limits } = options;
    this.options = Object.freeze(limits);
    this.#now = now ?? Date.now;
    this.#counting = new BoundedMap(limits.maxKeys);
    this.#locked = new BoundedMap(limits.maxKeys);
  }

  /** Whether an attempt under `key` may be verified at all. */
  check(key: string): AuthDecision {
    const now = this.#now();
    const lockedUntil = this.#lockedUntil(key, now);
    if (lockedUntil !== undefined) return { allowed: false, retryAfterMs: lockedUntil - now, remaining: 0 };
    const failures = this.#live(key, now);
    return { allowed: true, retryAfterMs: 0, remaining: this.options.maxAttempts - failures.length };
  }

  /** Counts one failure; the decision says whether the key is now locked. */
  recordFailure(key: string): AuthDecision {
    const now = this.#now();
    const lockedUntil = this.#lockedUntil(key, now);
    if (lockedUntil !== undefined) return { allowed: false, retryAfterMs: lockedUntil - now, remaining: 0 };
    const failures = this.#live(key, now);
    failures.push(now);
    if (failures.length >= this.options.maxAttempts) {
      this.#counting.delete(key);
      this.#locked.set(key, now + this.options.lockoutMs);
      return { allowed: false, retryAfterMs: this.options.lockoutMs, remaining: 0 };
    }
    this.#counting.touch(key, failures);
    return { allowed: true, retryAfterMs: 0, remaining: this.options.maxAttempts - failures.length };
  }

  /** A success forgets the key's failures (a lockout stays: check() runs before verifying). */
  reset(key: string): void {
    this.#counting.delete(key);
  }

  /** Tracked keys (counting + locked). */
  size(): number {
    return this.#counting.size + this.#locked.size;
  }

  isLocked(key: string): boolean {
    return this.#lockedUntil(key, this.#now()) !== undefined;
  }

  /** Drops expired lockouts and windows; the maps stay bounded without it, this frees memory early. */
  prune(): void {
    const now = this.#now();
    for (const [key, until] of [...this.#locked.entries()]) {
      if (until > now) break;
      this.#locked.delete(key);
    }
    for (const [key] of [...this.#counting.entries()]) {
      if (this.#live(key, now).length === 0) this.#counting.delete(key);
    }
  }

  #lockedUntil(key: string, now: number): number | undefined {
    const until = this.#locked.get(key);
    if (until === undefined) return undefined;
    if (until > now) return until;
    this.#locked.delete(key);
    return undefined;
  }

  /** The key's failures still inside the window (expired ones dropped in place). */
  #live(key: string, now: number): number[] {
    const failures = this.#counting.get(key);
    if (failures === undefined) return [];
    const cutoff = now - this.options.windowMs;
    let drop = 0;
    while (drop < failures.length && (failures[drop] as number) <= cutoff) drop++;
    if (drop > 0) failures.splice(0, drop);
    if (failures.length === 0) this.#counting.delete(key);
    return failures;
  }
}
