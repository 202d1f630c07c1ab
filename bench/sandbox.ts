/**
 * Sandbox figures (`npm run bench -- sandbox`): a trivial tool call round trip through a
 * worker process vs the same function called in-process and vs an IPC echo child (alternating
 * pairs), serial p50/p99, throughput with the pool busy, isolate cold start (fresh isolate per call vs warm), worker start, and the
 * resident memory one warm isolate adds to a worker.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandboxService, type SandboxOptions } from '../plugins/sandbox/index.ts';
import { alternate, median, medianRatio, row, summarize, verdict, type Stats } from './stats.ts';

const SOURCE = "export default { description: 'inc', parameters: { type: 'object' }, run: (a) => a.n + 1 };";

export function benchOptions(overrides: Partial<SandboxOptions> = {}): SandboxOptions {
  return {
    poolSize: 2, maxQueue: 1024, memoryLimit: 32, timeout: 5000, watchdogGrace: 1000, cpuBudgetMs: 1e9,
    maxOutputBytes: 1 << 20, maxSourceBytes: 1 << 18, maxHostCalls: 1000, recycleAfter: 1_000_000, workerMaxRssMb: 4096, prewarm: true,
    breaker: { threshold: 3, windowMs: 60_000, cooldownMs: 30_000 }, backoff: { initialMs: 100, maxMs: 5000 },
    kv: { maxKeys: 1000, maxValueBytes: 65536 }, fetch: { allow: [], timeoutMs: 1000, maxBytes: 1 << 20 },
    ...overrides,
  };
}

function start(overrides: Partial<SandboxOptions> = {}) {
  return createSandboxService(benchOptions(overrides), { workspace: '/nonexistent', alert: () => {}, crashed: () => {} });
}

/** Serial p50/p99; with `idleMs`, each timed call follows that much idle time (a tool call between model turns). */
async function timeSerial(run: () => Promise<unknown>, calls: number, idleMs = 0): Promise<Stats> {
  for (let i = 0; i < Math.ceil(calls / 10); i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    if (idleMs > 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
    const t = performance.now();
    await run();
    samples.push(performance.now() - t);
  }
  return summarize(samples);
}

function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : Number.NaN;
}

/** Baseline: the same IPC round trip to a child that only echoes (no isolate), two children like the pool. */
function startEchoChildren(dir: string) {
  const file = join(dir, 'echo.mjs');
  writeFileSync(file, "process.on('message', (m) => process.send({ type: 'result', id: m.id, outcome: { ok: true, json: '{\"ok\":true,\"value\":2}', cpuNs: '0' } }));");
  const children = [fork(file, [], { stdio: 'ignore' }), fork(file, [], { stdio: 'ignore' })];
  const waiting = new Map<number, () => void>();
  for (const child of children) child.on('message', (m: { id: number }) => waiting.get(m.id)?.());
  let seq = 0;
  const roundTrip = (lane: number) => new Promise<void>((resolve) => {
    const id = ++seq;
    waiting.set(id, () => { waiting.delete(id); resolve(); });
    (children[lane % 2] as ChildProcess).send({ type: 'call', id, kind: 'run', source: SOURCE, filename: 'inc.mjs', argsJson: '{"n":1}', limits: {} });
  });
  return { roundTrip, close: () => { for (const child of children) child.kill(); } };
}

/** Calls per second with `inFlight` lanes issuing `calls` calls in all. */
async function perSecond(call: (lane: number) => Promise<unknown>, calls: number, inFlight: number): Promise<number> {
  let issued = 0;
  const t = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async (_, lane) => {
    while (issued < calls) {
      issued++;
      await call(lane);
    }
  }));
  return calls / ((performance.now() - t) / 1000);
}

const PAIRS = 6;
const SERIAL_CALLS = 500;
const LOAD_CALLS = 3000;
const IN_FLIGHT = 16;
const IDLE_CALLS = 150;
const IDLE_MS = 10;

export async function benchSandbox(): Promise<string[]> {
  const lines: string[] = ['', `sandbox (isolated-vm 7 in worker processes, --no-node-snapshot); ${PAIRS} alternating sandbox/IPC-echo pairs, ratios are medians of per-pair ratios`];

  // In-process baseline: the tool's function, called directly.
  const fn = (a: { n: number }) => a.n + 1;
  let sink = 0;
  const inProcess = summarize(Array.from({ length: 2000 }, (_, i) => {
    const t = performance.now();
    for (let k = 0; k < 1000; k++) sink += fn({ n: i + k });
    return (performance.now() - t) / 1000;
  }));
  if (sink === 0) lines.push('(unreachable)');

  // Worker start and warm-isolate memory (one worker).
  const single = start({ poolSize: 1, prewarm: false });
  const t = performance.now();
  await single.pool.warm();
  const workerStartMs = performance.now() - t;
  const pid = single.pool.stats().pids[0] as number;
  const rssBefore = rssKb(pid);
  await single.service.run({ source: SOURCE, filename: 'inc.mjs', args: { n: 1 } });
  const rssAfter = rssKb(pid);
  await timeSerial(() => single.service.run({ source: SOURCE, filename: 'inc.mjs', args: { n: 1 } }), 2000);
  const rssAfterCalls = rssKb(pid);
  await single.pool.close();

  // Cold start: a fresh isolate for every call.
  const cold = start({ poolSize: 1, recycleAfter: 1 });
  await cold.pool.warm();
  const fresh = await timeSerial(() => cold.service.run({ source: SOURCE, filename: 'inc.mjs', args: { n: 1 } }), 200);
  await cold.pool.close();

  // Paired rounds: the pool of 2 against two echo children, serial on one worker/child, then
  // 16 in flight over both.
  const dir = mkdtempSync(join(tmpdir(), 'moltbot-bench-'));
  const echo = startEchoChildren(dir);
  const pool2 = start({ poolSize: 2 });
  await pool2.pool.warm();
  const sandboxed = () => pool2.service.run({ source: SOURCE, filename: 'inc.mjs', args: { n: 1 } });
  await Promise.all(Array.from({ length: 600 }, sandboxed));
  let serial: { subject: Stats[]; baseline: Stats[] };
  let afterIdle: { subject: Stats[]; baseline: Stats[] };
  let load: { subject: number[]; baseline: number[] };
  try {
    serial = await alternate(PAIRS, () => timeSerial(sandboxed, SERIAL_CALLS), () => timeSerial(() => echo.roundTrip(0), SERIAL_CALLS));
    afterIdle = await alternate(PAIRS, () => timeSerial(sandboxed, IDLE_CALLS, IDLE_MS), () => timeSerial(() => echo.roundTrip(0), IDLE_CALLS, IDLE_MS));
    load = await alternate(PAIRS, () => perSecond(sandboxed, LOAD_CALLS, IN_FLIGHT), () => perSecond(echo.roundTrip, LOAD_CALLS, IN_FLIGHT));
  } finally {
    await pool2.pool.close();
    echo.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const p50 = (all: Stats[]) => median(all.map((s) => s.median));
  const p99 = (all: Stats[]) => median(all.map((s) => s.p99));
  const p50s = (all: Stats[]) => all.map((s) => s.median);
  const latencyRatio = medianRatio(p50s(serial.subject), p50s(serial.baseline));
  const idleRatio = medianRatio(p50s(afterIdle.subject), p50s(afterIdle.baseline));
  const loadRatio = medianRatio(load.subject, load.baseline);

  const us = (ms: number) => (ms < 0.01 ? `${(ms * 1e6).toFixed(0)} ns` : `${(ms * 1000).toFixed(1)} µs`);
  lines.push(
    row('in-process call of the same function', `p50 ${us(inProcess.median)}`, 'baseline'),
    row('IPC round trip to an echo child, serial', `p50 ${us(p50(serial.baseline))} / p99 ${us(p99(serial.baseline))}`, 'baseline: process boundary without an isolate'),
    row('sandboxed call, warm isolate, serial', `p50 ${us(p50(serial.subject))} / p99 ${us(p99(serial.subject))}`, `p50 ${latencyRatio.toFixed(2)}× the IPC echo (goal ≤ 3×): ${verdict(latencyRatio <= 3)}`),
    row(`IPC round trip to an echo child, ${IDLE_MS} ms idle before each`, `p50 ${us(p50(afterIdle.baseline))} / p99 ${us(p99(afterIdle.baseline))}`, 'baseline'),
    row(`sandboxed call, ${IDLE_MS} ms idle before each`, `p50 ${us(p50(afterIdle.subject))} / p99 ${us(p99(afterIdle.subject))}`, `p50 ${idleRatio.toFixed(2)}× the IPC echo: the next context was prepared while idle`),
    row(`echo children ×2, ${IN_FLIGHT} in flight`, `${median(load.baseline).toFixed(0)} calls/s`, 'baseline'),
    row(`sandboxed calls, pool 2, ${IN_FLIGHT} in flight`, `${median(load.subject).toFixed(0)} calls/s`, `${loadRatio.toFixed(3)}× the IPC echo (goal ≥ 0.3×): ${verdict(loadRatio >= 0.3)}`),
    row('fresh isolate per call, serial', `p50 ${us(fresh.median)} / p99 ${us(fresh.p99)}`, `isolate cold start ≈ ${us(fresh.median - p50(serial.subject))} over warm`),
    row('worker process start (fork → ready)', `${workerStartMs.toFixed(1)} ms`, 'once per worker; lazy by default'),
    row('resident memory of one warm isolate', `${((rssAfter - rssBefore) / 1024).toFixed(2)} MB`, `worker RSS ${(rssBefore / 1024).toFixed(1)} → ${(rssAfter / 1024).toFixed(1)} MB`),
    row('worker RSS after 2,200 more warm calls', `${(rssAfterCalls / 1024).toFixed(1)} MB`, `${((rssAfterCalls - rssAfter) / 1024).toFixed(1)} MB over one call (leak check, SB-15)`),
  );
  return lines;
}
