/** Capped exponential backoff with full jitter (AWS architecture blog): delay = random(0, min(max, base·2^n)). */
import type { Backoff } from './contract.ts';

export const DEFAULT_BACKOFF = Object.freeze({ baseMs: 1000, maxMs: 60_000 });

export function createBackoff(options: { baseMs?: number; maxMs?: number } = {}, random: () => number = Math.random): Backoff {
  const baseMs = Math.max(1, options.baseMs ?? DEFAULT_BACKOFF.baseMs);
  const maxMs = Math.max(baseMs, options.maxMs ?? DEFAULT_BACKOFF.maxMs);
  let attempt = 0;
  return {
    next() {
      // 2^attempt overflows to Infinity long after the cap is reached; min() keeps it finite.
      const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
      attempt = Math.min(attempt + 1, 64);
      return Math.floor(random() * ceiling);
    },
    reset() {
      attempt = 0;
    },
  };
}
