/** Live readings the manager decides on: process memory, free host memory, host CPU busy share. */
import { freemem } from 'node:os';
import { hostTicks } from '../../sdk/ops/system.ts';

export interface Readings {
  rssMb: number;
  heapUsedMb: number;
  freeMb: number;
  /** Busy share of every host core over the last sample span (0..1). */
  cpu: number;
}

const MB = 1024 * 1024;

export class Probe {
  #last = hostTicks();
  #lastAt = 0;
  #cpu = 0;
  readonly #minSpanMs: number;

  constructor(minSpanMs = 250) {
    this.#minSpanMs = minSpanMs;
  }

  read(): Readings {
    const now = Date.now();
    // A span too short says nothing about CPU: keep the previous figure until one passed.
    if (now - this.#lastAt >= this.#minSpanMs) {
      const current = hostTicks();
      const total = current.total - this.#last.total;
      if (total > 0) this.#cpu = Math.min(1, Math.max(0, (current.busy - this.#last.busy) / total));
      this.#last = current;
      this.#lastAt = now;
    }
    const memory = process.memoryUsage();
    return { rssMb: memory.rss / MB, heapUsedMb: memory.heapUsed / MB, freeMb: freemem() / MB, cpu: this.#cpu };
  }
}
