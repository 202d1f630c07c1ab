/**
 * Sliding-window counters and latency samples: per-second buckets in a ring, so a rate over
 * the last N seconds costs O(N) to read and O(1) to record, whatever the traffic.
 */
export class SlidingCounter {
  readonly #buckets: Float64Array;
  readonly #stamps: Float64Array;
  readonly #now: () => number;

  constructor(seconds: number, now: () => number = Date.now) {
    this.#buckets = new Float64Array(seconds);
    this.#stamps = new Float64Array(seconds).fill(-1);
    this.#now = now;
  }

  add(amount = 1): void {
    const second = Math.floor(this.#now() / 1000);
    const slot = second % this.#buckets.length;
    if (this.#stamps[slot] !== second) {
      this.#stamps[slot] = second;
      this.#buckets[slot] = 0;
    }
    this.#buckets[slot]! += amount;
  }

  /** Sum over the window (the current, partial second included). */
  total(): number {
    const second = Math.floor(this.#now() / 1000);
    const oldest = second - this.#buckets.length + 1;
    let sum = 0;
    for (let i = 0; i < this.#buckets.length; i++) if (this.#stamps[i]! >= oldest) sum += this.#buckets[i]!;
    return sum;
  }

  get seconds(): number {
    return this.#buckets.length;
  }
}

/** The last `capacity` durations, for mean and p95 without keeping every sample. */
export class LatencyRing {
  readonly #values: Float64Array;
  #count = 0;
  #next = 0;

  constructor(capacity: number) {
    this.#values = new Float64Array(capacity);
  }

  add(ms: number): void {
    this.#values[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#values.length;
    this.#count = Math.min(this.#count + 1, this.#values.length);
  }

  summary(): { mean: number; p95: number; count: number } {
    if (this.#count === 0) return { mean: 0, p95: 0, count: 0 };
    const sorted = Array.from(this.#values.subarray(0, this.#count)).sort((a, b) => a - b);
    const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
    return { mean, p95, count: this.#count };
  }
}
