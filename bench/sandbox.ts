/**
 * Sandbox figures (`npm run bench -- sandbox`): a trivial tool call round trip through a
 * worker process vs the same function called in-process, serial p50/p99, throughput with the
 * pool busy, isolate cold start (fresh isolate per call vs warm), worker start, and the
 * resident memory one warm isolate adds to a worker.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandboxService, type SandboxOptions } from '../plugins/sandbox/index.ts';
import { row, summarize, type Stats } from './stats.ts';

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

async function timeSerial(run: () => Promise<unknown>, calls: number): Promise<Stats> {
  for (let i = 0; i < Math.ceil(calls / 10); i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
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

/** Baseline: the same IPC round trip to a child that only echoes (no isolate). */
async function ipcBaseline(calls: number, inFlight: number): Promise<{ serial: Stats; perSecond: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'moltbot-bench-'));
  const file = join(dir, 'echo.mjs');
  writeFileSync(file, "process.on('message', (m) => process.send({ type: 'result', id: m.id, outcome: { ok: true, json: '{\"ok\":true,\"value\":2}', cpuNs: '0' } }));");
  const children = [fork(file, [], { stdio: 'ignore' }), fork(file, [], { stdio: 'ignore' })];
  const waiting = new Map<number, () => void>();
  for (const child of children) child.on('message', (m: { id: number }) => waiting.get(m.id)?.());
  let seq = 0;
  const roundTrip = (child: ChildProcess) => new Promise<void>((resolve) => {
    const id = ++seq;
    waiting.set(id, () => { waiting.delete(id); resolve(); });
    child.send({ type: 'call', id, kind: 'run', source: SOURCE, filename: 'inc.mjs', argsJson: '{"n":1}', limits: {} });
  });
  const serial = await timeSerial(() => roundTrip(children[0] as ChildProcess), calls);
  let issued = 0;
  const t = performance.now();
  await Promise.all(Array.from({ length: inFlight }, async (_, lane) => {
    while (issued < calls) {
      issued++;
      await roundTrip(children[lane % 2] as ChildProcess);
    }
  }));
  const perSecond = calls / ((performance.now() - t) / 1000);
  for (const child of children) child.kill();
  rmSync(dir, { recursive: true, force: true });
  return { serial, perSecond };
}

export async function benchSandbox(): Promise<string[]> {
  const lines: string[] = ['', 'sandbox (isolated-vm 7 in worker processes, --no-node-snapshot)'];

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
  let t = performance.now();
  await single.pool.warm();
  const workerStartMs = performance.now() - t;
  const pid = single.pool.stats().pids[0] as number;
  const rssBefore = rssKb(pid);
  await single.service.run({ source: SOURCE, filename: 'inc.mjs', args: { n: 1 } });
  const rssAfter = rssKb(pid);
  const warm = await timeSerial(() => single.service.run({ source: SOURCE, filename: 'inc.mjs', args: { n: 1 } }), 2000);
  const rssAfterCalls = rssKb(pid);
  await single.pool.close();

  // Cold start: a fresh isolate for every call.
  const cold = start({ poolSize: 1, recycleAfter: 1 });
  await cold.pool.warm();
  const fresh = await timeSerial(() => cold.service.run({ source: SOURCE, filename: 'inc.mjs', args: { n: 1 } }), 300);
  await cold.pool.close();

  // Throughput: pool of 2, 16 calls in flight.
  const pool2 = start({ poolSize: 2 });
  await pool2.pool.warm();
  await Promise.all(Array.from({ length: 600 }, () => pool2.service.run({ source: SOURCE, filename: 'inc.mjs', args: { n: 1 } })));
  const total = 6000;
  let issued = 0;
  t = performance.now();
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (issued < total) {
      issued++;
      await pool2.service.run({ source: SOURCE, filename: 'inc.mjs', args: { n: 1 } });
    }
  }));
  const throughput = total / ((performance.now() - t) / 1000);
  await pool2.pool.close();

  const ipc = await ipcBaseline(total, 16);

  const us = (ms: number) => (ms < 0.01 ? `${(ms * 1e6).toFixed(0)} ns` : `${(ms * 1000).toFixed(1)} µs`);
  lines.push(
    row('in-process call of the same function', `p50 ${us(inProcess.median)}`, 'baseline'),
    row('IPC round trip to an echo child, serial', `p50 ${us(ipc.serial.median)} / p99 ${us(ipc.serial.p99)}`, 'baseline: process boundary without an isolate'),
    row('sandboxed call, warm isolate, serial', `p50 ${us(warm.median)} / p99 ${us(warm.p99)}`, `${(warm.median / ipc.serial.median).toFixed(1)}× the IPC baseline; ${(1000 / warm.median).toFixed(0)} calls/s serial (goal p50 ≤ 1 ms)`),
    row('echo children ×2, 16 in flight', `${ipc.perSecond.toFixed(0)} calls/s`, 'baseline'),
    row('sandboxed calls, pool 2, 16 in flight', `${throughput.toFixed(0)} calls/s`, `${(throughput / ipc.perSecond).toFixed(2)}× the IPC baseline (goal ≥ 2,000 calls/s)`),
    row('fresh isolate per call, serial', `p50 ${us(fresh.median)} / p99 ${us(fresh.p99)}`, `isolate cold start ≈ ${us(fresh.median - warm.median)} over warm`),
    row('worker process start (fork → ready)', `${workerStartMs.toFixed(1)} ms`, 'once per worker; lazy by default'),
    row('resident memory of one warm isolate', `${((rssAfter - rssBefore) / 1024).toFixed(2)} MB`, `worker RSS ${(rssBefore / 1024).toFixed(1)} → ${(rssAfter / 1024).toFixed(1)} MB`),
    row('worker RSS after 2,200 more warm calls', `${(rssAfterCalls / 1024).toFixed(1)} MB`, `${((rssAfterCalls - rssAfter) / 1024).toFixed(1)} MB over one call (leak check, SB-15)`),
  );
  return lines;
}
