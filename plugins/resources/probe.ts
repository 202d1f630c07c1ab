/** Live readings the manager decides on: process memory, free host memory, host CPU busy share. */
import { freemem } from 'node:os';
import { hostTicks, type ResourceReadings as Readings } from '../../sdk/ops/index.ts';

export type { Readings };

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
