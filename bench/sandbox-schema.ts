/**
 * Hostile parameter schemas (`npm run bench -- sandbox-schema`, issue 19 item 2): the longest
 * the gateway's event loop stalls while workspace tools with a backtracking `pattern` and a
 * quadratic `uniqueItems` are called, measured by a 1 ms ticker in this process (which plays the
 * gateway), against two baselines from the same run: the stall during ordinary tool calls, and
 * what ajv costs when it runs those schemas in-process (the code path before the fix).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAjv } from '../core/validate/ajv.ts';
import { createSandboxService } from '../plugins/sandbox/index.ts';
import { benchOptions } from './sandbox.ts';
import { row } from './stats.ts';

const TOOLS = {
  fine: "export default { description: 'f', parameters: { type: 'object', properties: { s: { type: 'string', pattern: '^[a-z]+$' } } }, run: (a) => a.s };",
  pattern: "export default { description: 'p', parameters: { type: 'object', properties: { s: { type: 'string', pattern: '^(a|a)+$' } } }, run: (a) => a.s };",
  unique: "export default { description: 'u', parameters: { type: 'object', properties: { list: { type: 'array', uniqueItems: true } } }, run: (a) => a.list.length };",
};

/** Runs `work` while a 1 ms interval measures the longest gap between its ticks (ms). */
async function maxStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  await new Promise((resolve) => setTimeout(resolve, 20));
  worst = 0;
  last = performance.now();
  await work();
  clearInterval(ticker);
  return Math.max(worst, performance.now() - last);
}

export async function benchSandboxSchema(): Promise<string[]> {
  const lines = ['', 'hostile tool parameter schemas: longest event-loop stall of the gateway process (1 ms ticker)'];
  const workspace = mkdtempSync(join(tmpdir(), 'moltbot-bench-schema-'));
  mkdirSync(join(workspace, 'tools'));
  for (const [name, source] of Object.entries(TOOLS)) writeFileSync(join(workspace, 'tools', `${name}.mjs`), source);
  const { service, pool } = createSandboxService(benchOptions({ poolSize: 1, timeout: 1000, watchdogGrace: 200 }), { workspace, alert: () => {}, crashed: () => {} });
  await pool.warm();
  const { tools } = await service.userTools();
  const tool = (name: string) => tools.find((t) => t.name === name)!;
  const settle = (p: Promise<unknown>) => p.then(() => 'ok', (error: { code?: string }) => error.code ?? 'error');

  const list = Array.from({ length: 30_000 }, (_, i) => ({ i }));
  const normal = await maxStall(async () => {
    for (let i = 0; i < 200; i++) await tool('fine').invoke({ s: 'abc' });
  });
  let patternOutcome = '';
  const pattern = await maxStall(async () => {
    patternOutcome = await settle(tool('pattern').invoke({ s: `${'a'.repeat(40)}!` }));
  });
  let uniqueOutcome = '';
  const unique = await maxStall(async () => {
    uniqueOutcome = await settle(tool('unique').invoke({ list }));
  });
  await pool.close();
  rmSync(workspace, { recursive: true, force: true });

  // Before the fix: ajv with JavaScript's RegExp in the gateway thread (22 characters keep it short).
  const ajv = createAjv();
  const inProcessPattern = ajv.compile({ type: 'object', properties: { s: { type: 'string', pattern: '^(a|a)+$' } } });
  let t = performance.now();
  inProcessPattern({ s: `${'a'.repeat(22)}!` });
  const oldPattern = performance.now() - t;
  const inProcessUnique = ajv.compile({ type: 'object', properties: { list: { type: 'array', uniqueItems: true } } });
  t = performance.now();
  inProcessUnique({ list: list.slice(0, 5000) });
  const oldUnique = performance.now() - t;

  const ms = (value: number) => `${value.toFixed(1)} ms`;
  lines.push(
    row('200 ordinary sandboxed calls', ms(normal), 'baseline'),
    row('pattern ^(a|a)+$, 41-char argument', ms(pattern), `${(pattern / normal).toFixed(2)}× baseline; call → ${patternOutcome} (goal ≤ 50 ms)`),
    row('uniqueItems over 30,000 objects', ms(unique), `${(unique / normal).toFixed(2)}× baseline; call → ${uniqueOutcome} (goal ≤ 50 ms)`),
    row('before: in-process ajv, pattern, 23-char argument', ms(oldPattern), 'each extra character doubles it'),
    row('before: in-process ajv, uniqueItems, 5,000 objects', ms(oldUnique), 'quadratic: 30,000 objects ≈ 36× this'),
  );
  return lines;
}
