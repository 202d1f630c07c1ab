/**
 * Kernel bench: (1) tapable dispatch vs a plain loop over the same functions, raw and through
 * the kernel's guarded hooks; (2) kernel start+close with 0 and 50 no-op plugins, with
 * precompiled validators (what first-party plugins ship) and with schemas compiled at start.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import tapable from 'tapable';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { createKernel, definePlugin, type AnyPlugin } from '../app/index.ts';
import { createAjv } from '../core/validate/ajv.ts';
import { nsPerCall, row, timeRuns } from './stats.ts';

const PLUGINS = 50;
const sink = { write: () => true };

function dispatchBench(): string[] {
  const taps = Array.from({ length: 10 }, (_, i) => (x: { n: number }) => { x.n += i; });
  const hook = new tapable.SyncHook<[{ n: number }]>(['x']);
  taps.forEach((fn, i) => hook.tap(`p${i}`, fn));
  const kernel = createKernel({ config: {}, logDestination: sink });
  // httpRoute is a one-argument SyncHook like the raw one; host taps are guarded like plugin taps.
  taps.forEach((fn, i) => kernel.hooks.httpRoute.tap(`p${i}`, fn as never));
  const guarded = kernel.hooks.httpRoute as unknown as { call(x: { n: number }): void };
  const payload = { n: 0 };
  const loop = () => { for (const fn of taps) fn(payload); };
  const raw = () => hook.call(payload);
  const viaKernel = () => guarded.call(payload);
  const results = { loop: [] as number[], raw: [] as number[], kernel: [] as number[] };
  for (let round = 0; round < 7; round++) {
    results.loop.push(nsPerCall(loop, 200_000));
    results.raw.push(nsPerCall(raw, 200_000));
    results.kernel.push(nsPerCall(viaKernel, 200_000));
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const [l, r, k] = [med(results.loop), med(results.raw), med(results.kernel)];
  return [
    row('plain loop over 10 functions', `${l.toFixed(1)} ns/call`, 'baseline'),
    row('tapable SyncHook, 10 taps', `${r.toFixed(1)} ns/call`, `${(r / l).toFixed(2)}x loop`),
    row('kernel hook (guarded, attributed), 10 taps', `${k.toFixed(1)} ns/call`, `${(k / l).toFixed(2)}x loop, ${(k / r).toFixed(2)}x tapable`),
  ];
}

function schemaFor(i: number) {
  return {
    type: 'object', additionalProperties: false,
    properties: { [`level${i}`]: { type: 'integer', minimum: 0, description: 'bench option' }, label: { type: 'string', description: 'bench label' } },
  };
}

/** Standalone validators for all 50 schemas in one generated module, as `schemas/generated` ships them. */
async function precompiledValidators(dir: string) {
  const ajv = createAjv();
  const schemas = Array.from({ length: PLUGINS }, (_, i) => ({ ...schemaFor(i), $id: `bench-${i}` }));
  for (const schema of schemas) ajv.addSchema(schema);
  const code = standaloneCode.default(ajv, Object.fromEntries(schemas.map((s, i) => [`v${i}`, s.$id])));
  const file = join(dir, 'validators.cjs');
  writeFileSync(file, code);
  const module = (await import(pathToFileURL(file).href)) as { default: Record<string, AnyPlugin['validate']> };
  return Array.from({ length: PLUGINS }, (_, i) => module.default[`v${i}`]!);
}

async function startCloseBench(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'moltbot-bench-'));
  try {
    const validators = await precompiledValidators(dir);
    const env = { HOME: dir, MOLTBOT_STATE_DIR: join(dir, 'state') };
    const plugins = (precompiled: boolean, round: number) => Array.from({ length: PLUGINS }, (_, i) => [definePlugin({
      name: `noop-${i}`, version: '1.0.0',
      // A fresh schema object each round: the runtime-compile case really compiles every time.
      schema: { ...schemaFor(i), description: `round ${round}` },
      ...(precompiled ? { validate: validators[i] } : {}),
      setup() {},
    }), { [`level${i}`]: i, label: 'x' }] as const);
    let round = 0;
    const run = (count: 'none' | 'precompiled' | 'compiled') => async () => {
      const kernel = createKernel({ config: {}, env, homeDir: dir, cwd: dir, logDestination: sink,
        plugins: count === 'none' ? [] : plugins(count === 'precompiled', round++) as never });
      await kernel.start();
      await kernel.close();
    };
    const results = { none: [] as number[], precompiled: [] as number[], compiled: [] as number[] };
    for (let rep = 0; rep < 5; rep++) {
      results.none.push((await timeRuns(run('none'), 40)).median);
      results.precompiled.push((await timeRuns(run('precompiled'), 40)).median);
      results.compiled.push((await timeRuns(run('compiled'), 8, 1)).median);
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const [none, pre, compiled] = [med(results.none), med(results.precompiled), med(results.compiled)];
    return [
      row('kernel start+close, 0 plugins', `${none.toFixed(2)} ms`, 'baseline'),
      row(`kernel start+close, ${PLUGINS} plugins (precompiled validators)`, `${pre.toFixed(2)} ms`, `+${(pre - none).toFixed(2)} ms over empty (goal < 30 ms): ${pre - none < 30 ? 'MET' : 'MISSED'}`),
      row(`kernel start+close, ${PLUGINS} plugins (schemas compiled at start)`, `${compiled.toFixed(2)} ms`, `+${(compiled - none).toFixed(2)} ms, ${(compiled / pre).toFixed(1)}x precompiled`),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchKernel(): Promise<string[]> {
  return ['# kernel', ...dispatchBench(), ...(await startCloseBench())];
}
