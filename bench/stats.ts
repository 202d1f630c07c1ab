/** Tiny measuring kit: each figure is paired with a baseline measured in the same run. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface Stats { median: number; p99: number; mean: number; runs: number }

export function summarize(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, runs: sorted.length };
}

/** Times `fn` (async allowed) `runs` times after `warmup` runs; returns milliseconds per run. */
export async function timeRuns(fn: () => unknown, runs: number, warmup = Math.ceil(runs / 10)): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return summarize(samples);
}

/** Nanoseconds per call of a synchronous `fn`, over batches (alternate with the baseline to share CPU regimes). */
export function nsPerCall(fn: () => void, calls: number): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) fn();
  return Number(process.hrtime.bigint() - start) / calls;
}

/** A goal's verdict as the benches print it. */
export const verdict = (met: boolean): string => (met ? 'MET' : 'MISSED');

/** Median of per-pair ratios subject[i] / baseline[i] (DESIGN §10). */
export function medianRatio(subject: readonly number[], baseline: readonly number[]): number {
  return median(subject.map((value, i) => value / baseline[i]!));
}

/** Median of a few figures (e.g. per-pair ratios). */
export function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** Paired measurement: each figure and its baseline alternate, `pairs` times, and which goes first alternates too (DESIGN §10). */
export async function alternate<T>(pairs: number, subject: () => Promise<T>, baseline: () => Promise<T>): Promise<{ subject: T[]; baseline: T[] }> {
  const out = { subject: [] as T[], baseline: [] as T[] };
  for (let pair = 0; pair < pairs; pair++) {
    if (pair % 2 === 0) {
      out.baseline.push(await baseline());
      out.subject.push(await subject());
    } else {
      out.subject.push(await subject());
      out.baseline.push(await baseline());
    }
  }
  return out;
}

export function row(label: string, value: string, note = ''): string {
  return `${label.padEnd(52)} ${value.padStart(14)}  ${note}`;
}

let gc: (() => void) | undefined;

/** RSS after full collections (gc exposed on first use, only in the process that measures). */
export async function settledRss(): Promise<number> {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage().rss;
}
