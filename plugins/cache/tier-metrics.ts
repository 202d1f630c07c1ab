/**
 * Counters and a latency reservoir per tier. Counting is a field increment and the reservoir
 * a typed-array write, so the memory tier's hit path pays almost nothing for them; the
 * percentiles are computed only when metrics are collected.
 */
const RESERVOIR = 1024;

export interface TierFigures {
  hits: number;
  misses: number;
  /** Failed operations: the store reported an error, or the call timed out. */
  errors: number;
  timeouts: number;
  /** Operations not sent to the tier because it is degraded. */
  skipped: number;
  sets: number;
  deletes: number;
  /** Reads that completed, with their latency percentiles in ms (over the last 1024 reads). */
  reads: number;
  readLatencyP50Ms: number;
  readLatencyP99Ms: number;
}

export class TierMetrics {
  hits = 0;
  misses = 0;
  errors = 0;
  timeouts = 0;
  skipped = 0;
  sets = 0;
  deletes = 0;
  reads = 0;
  readonly #latencies = new Float64Array(RESERVOIR);

  recordRead(ms: number): void {
    this.#latencies[this.reads % RESERVOIR] = ms;
    this.reads++;
  }

  figures(): TierFigures {
    const count = Math.min(this.reads, RESERVOIR);
    const sorted = this.#latencies.slice(0, count).sort();
    const at = (q: number) => (count === 0 ? 0 : sorted[Math.min(count - 1, Math.floor(q * count))]!);
    return {
      hits: this.hits, misses: this.misses, errors: this.errors, timeouts: this.timeouts,
      skipped: this.skipped, sets: this.sets, deletes: this.deletes, reads: this.reads,
      readLatencyP50Ms: at(0.5), readLatencyP99Ms: at(0.99),
    };
  }
}
