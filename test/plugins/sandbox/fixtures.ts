/** Sandbox options for tests: small limits so every catalogue case ends in well under a second. */
import { createSandboxService, type SandboxOptions } from '../../../plugins/sandbox/index.ts';
import type { Alert } from '../../../core/hook-types.ts';

export function testOptions(overrides: Partial<SandboxOptions> = {}): SandboxOptions {
  return {
    poolSize: 2, maxQueue: 8, memoryLimit: 16, timeout: 300, watchdogGrace: 700, cpuBudgetMs: 600_000,
    maxOutputBytes: 64 * 1024, maxSourceBytes: 64 * 1024, maxHostCalls: 50, recycleAfter: 500, workerMaxRssMb: 512, prewarm: false,
    breaker: { threshold: 3, windowMs: 60_000, cooldownMs: 60_000 },
    backoff: { initialMs: 20, maxMs: 200 },
    kv: { maxKeys: 4, maxValueBytes: 256 },
    fetch: { allow: [], timeoutMs: 1000, maxBytes: 1024 },
    ...overrides,
  };
}

export function startSandbox(overrides: Partial<SandboxOptions> = {}, workspace = '/nonexistent') {
  const alerts: Alert[] = [];
  const crashes: { signal: string | null; exitCode: number | null }[] = [];
  const { service, pool } = createSandboxService(testOptions(overrides), {
    workspace,
    alert: (alert) => alerts.push(alert),
    crashed: (info) => crashes.push({ signal: info.signal, exitCode: info.exitCode }),
  });
  return { service, pool, alerts, crashes };
}

/** A tool module whose run body is `body` (a function expression or arrow). */
export const tool = (run: string) => `export default { description: 'test tool', parameters: { type: 'object' }, run: ${run} };`;

/** The #527 pattern: a 40 Mi-element array filled element by element hits V8's own heap OOM. */
export const OOM_BODY = `() => {
  const src = new Uint8Array(1024);
  const a = new Array(40 * 1024 * 1024);
  for (let i = 0; i < a.length; i++) a[i] = src[i % 1024];
  return a.length;
}`;
export const CATASTROPHIC_OOM = tool(OOM_BODY);

/** The event loop of this process (the "gateway") answers: a timer fires about on time. */
export async function eventLoopLagMs(): Promise<number> {
  const start = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 10));
  return performance.now() - start - 10;
}
