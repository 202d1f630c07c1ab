/**
 * Child of `bench/sandbox-profile.ts`, started with `--no-node-snapshot` like a sandbox worker:
 * the CPU each step of a warm sandboxed call costs inside one worker process, in rounds that
 * interleave the steps (medians over rounds, so a noisy neighbour hits every step alike).
 * Prints one JSON line.
 */
import ivm from 'isolated-vm';
import { CONTROL, RUN_SETUP } from '../plugins/sandbox/glue.ts';
import { IsolateRunner } from '../plugins/sandbox/isolate-runner.ts';
import { median } from './stats.ts';

const SOURCE = "export default { description: 'inc', parameters: { type: 'object' }, run: (a) => a.n + 1 };";
const LIMITS = { memoryLimit: 32, timeoutMs: 5000, maxOutputBytes: 1 << 20, maxHostCalls: 1000 };
const ROUNDS = 5;
const N = 400;

/** Process CPU (all threads) per iteration, µs. */
async function cpuPer(fn: (i: number) => unknown, n = N): Promise<number> {
  for (let i = 0; i < n / 10; i++) await fn(i);
  const before = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn(i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / n;
}

const isolate = new ivm.Isolate({ memoryLimit: LIMITS.memoryLimit });
const snapshotIsolate = new ivm.Isolate({ memoryLimit: LIMITS.memoryLimit, snapshot: ivm.Isolate.createSnapshot([{ code: 'globalThis.warm = 1;' }]) });
const warmContext = isolate.createContextSync();
const noop = () => 'null';

/** Module evaluated in a fresh context, as a call does: its namespace, and the module to release. */
function evaluated(context: ivm.Context): [ivm.Reference, ivm.Module] {
  const module = isolate.compileModuleSync(SOURCE, { filename: 'inc.mjs' });
  module.instantiateSync(context, () => {
    throw new Error('no imports');
  });
  module.evaluateSync({ timeout: LIMITS.timeoutMs });
  return [module.namespace, module];
}

function setup(context: ivm.Context, namespace: ivm.Reference): ivm.Reference {
  return context.evalClosureSync(RUN_SETUP, [namespace.derefInto(), '{"n":1}', LIMITS.maxOutputBytes, null], { timeout: LIMITS.timeoutMs, result: { reference: true } }) as ivm.Reference;
}

const steps: Record<string, () => Promise<number>> = {
  'bare createContextSync + release': () => cpuPer(() => isolate.createContextSync().release()),
  'bare createContext (async) + release': () => cpuPer(async () => (await isolate.createContext()).release()),
  'same, isolate from an ivm snapshot': () => cpuPer(() => snapshotIsolate.createContextSync().release()),
  'context + module compile/instantiate/evaluate': () => cpuPer(() => {
    const context = isolate.createContextSync();
    for (const handle of evaluated(context)) handle.release();
    context.release();
  }),
  'context + module + glue setup + run (sync start)': () => cpuPer(() => {
    const context = isolate.createContextSync();
    const [namespace, module] = evaluated(context);
    const control = setup(context, namespace);
    control.applySync(undefined, [CONTROL.START], { timeout: LIMITS.timeoutMs });
    control.applySync(undefined, [CONTROL.RESULT], { timeout: LIMITS.timeoutMs });
    for (const handle of [control, namespace, module, context]) handle.release();
  }),
  'module compile alone (same source)': () => cpuPer(() => isolate.compileModuleSync(SOURCE, { filename: 'inc.mjs' }).release()),
  'glue setup alone (evalClosure, warm context)': () => cpuPer(() => setup(warmContext, warmContext.global).release()),
  'one sync entry (applySync of a no-op)': () => cpuPer(() => warmContext.evalClosureSync('return 1', [], { timeout: LIMITS.timeoutMs })),
  'one async entry (ivm pool thread round trip)': () => cpuPer(() => warmContext.evalClosure('return 1', [], { timeout: LIMITS.timeoutMs })),
  'getHeapStatisticsSync': () => cpuPer(() => isolate.getHeapStatisticsSync()),
  'process.memoryUsage.rss()': () => cpuPer(() => process.memoryUsage.rss()),
};

const runners = { lanes1: new IsolateRunner(500, 1), lanes2: new IsolateRunner(500, 2) };
const input = { kind: 'run' as const, source: SOURCE, filename: 'inc.mjs', argsJson: '{"n":1}', limits: LIMITS };
steps['IsolateRunner.call, 1 lane, back to back'] = () => cpuPer(() => runners.lanes1.call(input, noop as never));
steps['IsolateRunner.call, 2 lanes, back to back'] = () => cpuPer(() => runners.lanes2.call(input, noop as never));

const samples: Record<string, number[]> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, step] of Object.entries(steps)) (samples[name] ??= []).push(await step());
}
const cpuUs = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));

// Heap and RSS a prepared context and a lane cost.
const kept: ivm.Context[] = [];
const heapBefore = isolate.getHeapStatisticsSync().used_heap_size;
for (let i = 0; i < 20; i++) kept.push(isolate.createContextSync());
const heapPerContextKb = (isolate.getHeapStatisticsSync().used_heap_size - heapBefore) / 20 / 1024;
for (const context of kept) context.release();
// One more lane: a warm isolate after a few calls, with its next context prepared.
const rssBefore = process.memoryUsage.rss();
const extra = new IsolateRunner(500, 1);
for (let i = 0; i < 20; i++) await extra.call(input, noop as never);
await new Promise((resolve) => setTimeout(resolve, 20));
const rssPerLaneMb = (process.memoryUsage.rss() - rssBefore) / 1024 / 1024;
extra.dispose();

for (const runner of Object.values(runners)) runner.dispose();
process.stdout.write(`${JSON.stringify({ cpuUs, heapPerContextKb, rssPerLaneMb })}\n`);
process.exit(0);
