/**
 * Where a warm sandboxed call's CPU goes (`npm run bench -- sandbox-profile`, issue 23):
 * 1. each step measured alone in a `--no-node-snapshot` child (bench/sandbox-profile-child.ts);
 * 2. worker and gateway CPU per serial call through the real pool (from /proc/<pid>/stat);
 * 3. with MOLTBOT_BENCH_PERF=1 and `perf` installed: a sampled profile of the worker during serial calls, each sample
 *    put in the first category (in the order below) that any frame of its stack matches.
 */
import { fork, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSandboxService } from '../plugins/sandbox/index.ts';
import { benchOptions } from './sandbox.ts';
import { row } from './stats.ts';

const SOURCE = "export default { description: 'inc', parameters: { type: 'object' }, run: (a) => a.n + 1 };";
const CHILD = fileURLToPath(new URL('./sandbox-profile-child.ts', import.meta.url));
const CALLS = 3000;

const CATEGORIES: [string, RegExp][] = [
  ['GC (V8)', /CollectGarbage|ScavengerCollector|Scavenger::|MarkCompactCollector|ConcurrentMarking|Sweeper|IncrementalMarking|MinorMarkSweep|PerformGarbageCollection|ArrayBufferSweeper|MemoryReducer/],
  ['context: V8 Context::New (deserialise builtins)', /v8::Context::New/],
  ['context: ivm wrapper + heap check', /CreateContextRunner|IsolateHandle::CreateContext/],
  ['context: release, disposal notification', /ContextDisposedNotification|NotifyContextDisposed|ContextHandle::Release|RemoteHandle/],
  ['module compile', /CompileModuleRunner|IsolateHandle::CompileModule/],
  ['module instantiate', /InstantiateRunner|InstantiateSync|ModuleLinker/],
  ['module evaluate', /EvaluateRunner|ModuleHandle::Evaluate/],
  ['glue setup (evalClosure)', /EvalClosureRunner|ContextHandle::EvalClosure/],
  ['tool start + result (applySync)', /ApplyRunner|ReferenceHandle::Apply/],
  ['other ivm (handles, scheduling, locks)', /ivm::/],
  ['IPC (serialise, parse, pipe I/O)', /JsonStringif|JsonParse|LibuvStreamWrap|StreamBase|uv__read|uv__write|uv__stream|writev|__libc_write|__libc_read/],
  ['idle (epoll, futex)', /epoll_wait|epoll_pwait|futex_wait|do_futex|pthread_cond/],
  ['node JS, event loop', /Builtins_|node::|uv_run|v8::internal/],
];

function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function childSteps(): Promise<{ cpuUs: Record<string, number>; heapPerContextKb: number; rssPerLaneMb: number }> {
  const child = fork(CHILD, [], { execArgv: ['--no-node-snapshot'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => child.on('exit', resolve));
  return JSON.parse(out.trim().split('\n').pop() ?? '{}');
}

function classify(perfData: string, pid: number): Map<string, number> {
  const text = spawnSync('perf', ['script', '-F', 'comm,pid,tid,ip,sym', '-i', perfData], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout;
  const counts = new Map<string, number>();
  for (const block of text.split('\n\n')) {
    const [head, ...frames] = block.trim().split('\n');
    if (head === undefined || head.split(/\s+/)[1]?.split('/')[0] !== String(pid)) continue;
    const stack = frames.join('\n');
    const name = CATEGORIES.find(([, pattern]) => pattern.test(stack))?.[0] ?? 'other (kernel, libc)';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

export async function benchSandboxProfile(): Promise<string[]> {
  const lines = ['', 'sandbox profile: CPU per warm call and per step (issue 23); µs of process CPU, all threads, medians of 5 interleaved rounds'];
  const { cpuUs, heapPerContextKb, rssPerLaneMb } = await childSteps();
  for (const [name, us] of Object.entries(cpuUs)) lines.push(row(name, `${us.toFixed(1)} µs`));
  lines.push(row('heap of one prepared context', `${heapPerContextKb.toFixed(0)} KB`), row('RSS of one more lane (isolate + context)', `${rssPerLaneMb.toFixed(2)} MB`));

  const { service, pool } = createSandboxService(benchOptions({ poolSize: 1 }), { workspace: '/nonexistent', alert: () => {}, crashed: () => {} });
  await pool.warm();
  const run = () => service.run({ source: SOURCE, filename: 'inc.mjs', args: { n: 1 } });
  try {
    for (let i = 0; i < 500; i++) await run();
    const pid = pool.stats().pids[0] as number;
    const worker0 = cpuTicks(pid);
    const gateway0 = cpuTicks(process.pid);
    const started = performance.now();
    for (let i = 0; i < CALLS; i++) await run();
    const wallUs = ((performance.now() - started) * 1000) / CALLS;
    // /proc ticks are 10 ms: 3,000 calls make them a few hundred.
    const perCall = (ticks: number) => `${((ticks * 10_000) / CALLS).toFixed(0)} µs`;
    lines.push(
      row('pool of 1, serial calls: wall per call', `${wallUs.toFixed(0)} µs`),
      row('  worker process CPU per call', perCall(cpuTicks(pid) - worker0)),
      row('  gateway (this process) CPU per call', perCall(cpuTicks(process.pid) - gateway0)),
    );
    if (process.env.MOLTBOT_BENCH_PERF === '1' && spawnSync('perf', ['--version']).status === 0) {
      const data = join(tmpdir(), `moltbot-sandbox-profile-${process.pid}.data`);
      const perf = spawn('perf', ['record', '-F', '2000', '-g', '-p', String(pid), '-o', data], { stdio: ['ignore', 'ignore', 'pipe'] });
      let perfErr = '';
      perf.stderr?.on('data', (chunk: Buffer) => (perfErr += chunk.toString()));
      const perfExited = new Promise((resolve) => perf.on('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (let i = 0; i < CALLS; i++) await run();
      perf.kill('SIGINT');
      await Promise.race([perfExited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      if (perfErr.trim() !== '') console.error(perfErr.trim().slice(-500));
      const counts = classify(data, pid);
      const busy = [...counts].filter(([name]) => !name.startsWith('idle')).reduce((sum, [, n]) => sum + n, 0);
      lines.push(`worker profile (perf, ${busy} busy samples during ${CALLS} serial calls; share of busy CPU):`);
      for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1])) if (!name.startsWith('idle')) lines.push(row(`  ${name}`, `${((100 * n) / busy).toFixed(1)} %`));
      spawnSync('rm', ['-f', data]);
    }
  } finally {
    await pool.close();
  }
  return lines;
}
