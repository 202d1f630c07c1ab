/**
 * Ops bench: what metrics collection costs. CPU time (process.cpuUsage, user + system) of one
 * full snapshot (host CPU ticks, /proc/net/dev, statfs, memory, event-loop histogram, plugin
 * figures) and of one Prometheus render, each over many rounds with a pause between them so
 * every round measures real deltas; then the background sampler's share of one core at the
 * default interval (15 s) and of a scrape plus an alert check at a 15 s / 60 s cadence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { alertsServiceRef } from '../sdk/alerts/index.ts';
import { metricsServiceRef } from '../sdk/ops/index.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createKernel } from '../app/index.ts';
import alertsPlugin from '../plugins/alerts/index.ts';
import metricsPlugin from '../plugins/metrics/index.ts';

const ROUNDS = 200;
const DEFAULT_INTERVAL_MS = 15_000;
const DEFAULT_CHECK_MS = 60_000;
const IDLE_MS = 1000;

async function cpuMicros(fn: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await fn();
  const spent = process.cpuUsage(before);
  return spent.user + spent.system;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchOps(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'moltbot-bench-ops-'));
  const kernel = createKernel({
    config: { preset: 'none', plugins: [[metricsPlugin, { minSampleMs: 10 }], alertsPlugin] },
    cwd: dir,
    homeDir: dir,
    env: { HOME: dir, MOLTBOT_STATE_DIR: join(dir, 'state') },
    logLevel: 'silent',
  });
  try {
    await kernel.start();
    const metrics = kernel.use(metricsServiceRef);
    const alerts = kernel.use(alertsServiceRef);
    const snapshot: number[] = [];
    const scrape: number[] = [];
    const check: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await sleep(12);
      snapshot.push(await cpuMicros(() => metrics.snapshot()));
      await sleep(12);
      scrape.push(await cpuMicros(() => metrics.prometheus()));
      await sleep(12);
      check.push(await cpuMicros(() => alerts.check()));
    }
    // The event-loop delay histogram runs a timer between samples: its cost shows only while idle.
    const idle: number[] = [];
    for (let i = 0; i < 3; i++) idle.push(await cpuMicros(() => sleep(IDLE_MS)));
    await kernel.close();
    const bare: number[] = [];
    for (let i = 0; i < 3; i++) bare.push(await cpuMicros(() => sleep(IDLE_MS)));
    const idleShare = Math.max(0, (median(idle) - median(bare)) / 1000 / IDLE_MS) * 100;
    const perSample = median(snapshot);
    const perScrape = median(scrape);
    const perCheck = median(check);
    const background = (perSample / 1000 / DEFAULT_INTERVAL_MS) * 100;
    const withScrapeAndCheck = ((perSample + perScrape) / 1000 / DEFAULT_INTERVAL_MS + perCheck / 1000 / DEFAULT_CHECK_MS) * 100;
    return [
      `ops  metrics snapshot (system + plugin figures), CPU per call     median ${(perSample / 1000).toFixed(3)} ms over ${ROUNDS} rounds`,
      `ops  Prometheus /metrics render (fresh snapshot), CPU per call   median ${(perScrape / 1000).toFixed(3)} ms`,
      `ops  alert check (snapshot + every threshold), CPU per call      median ${(perCheck / 1000).toFixed(3)} ms`,
      `ops  background sampling at the default ${DEFAULT_INTERVAL_MS / 1000} s interval           ${background.toFixed(4)} % of one core (target < 1 %)`,
      `ops  idle cost of the running metrics plugin (event-loop histogram) ${idleShare.toFixed(4)} % of one core (idle CPU with the kernel up minus after close, ${IDLE_MS} ms x 3)`,
      `ops  + a scrape every 15 s + the alert check every 60 s          ${withScrapeAndCheck.toFixed(4)} % of one core`,
    ];
  } finally {
    await kernel.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchOps()) console.log(line);
}
