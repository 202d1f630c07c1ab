/**
 * `sandbox`: runs untrusted tool code (workspace `tools/*.mjs`, and tools plugins declare
 * untrusted) in isolated-vm isolates inside supervised worker processes. This module never
 * imports isolated-vm: only worker.ts (in the child) does.
 */
import { checkSandbox } from './health-check.ts';
import { availableParallelism } from 'node:os';
import schema from '../../schemas/plugins/sandbox.json' with { type: 'json' };
import validate from '../../schemas/generated/sandbox.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { createCapabilities } from './capabilities.ts';
import { SandboxPool } from './pool.ts';
import { registerUserTools } from './register-tools.ts';
import { loadUserTools, sandboxedTool } from './user-tools.ts';
import {
  sandboxServiceRef, toolRegistryRef, type SandboxRunRequest, type SandboxRunResult, type SandboxService, type SandboxStats,
  type ToolDefinition, type UserTool, type UserToolProblem,
} from '../../sdk/agent/index.ts';

// The contract and its ref live in moltbot/plugin-sdk/agent; re-exported for existing imports.
export { sandboxServiceRef };
export type { SandboxService };


export interface SandboxOptions {
  poolSize: number;
  maxQueue: number;
  memoryLimit: number;
  timeout: number;
  watchdogGrace: number;
  cpuBudgetMs: number;
  maxOutputBytes: number;
  maxSourceBytes: number;
  maxHostCalls: number;
  recycleAfter: number;
  workerMaxRssMb: number;
  prewarm: boolean;
  breaker: { threshold: number; windowMs: number; cooldownMs: number };
  backoff: { initialMs: number; maxMs: number };
  kv: { maxKeys: number; maxValueBytes: number };
  fetch: { allow: string[]; timeoutMs: number; maxBytes: number };
  /** Test hook: flags of the worker process (default `--no-node-snapshot`). Not in the schema. */
  execArgv?: string[];
}


export type { SandboxRunRequest, SandboxRunResult, SandboxStats, UserTool, UserToolProblem };

export function createSandboxService(options: SandboxOptions, hooks: {
  workspace: string;
  alert(alert: import('../../sdk/core/index.ts').Alert): void;
  crashed(info: { pid: number | undefined; exitCode: number | null; signal: string | null; stderr: string }): void;
  /** Adds a tool to the agent's registry (absent: registerTool throws). */
  register?(tool: ToolDefinition): () => void;
}): { service: SandboxService; pool: SandboxPool } {
  const pool = new SandboxPool({
    size: Math.min(options.poolSize, availableParallelism()),
    maxQueue: options.maxQueue,
    limits: { memoryLimit: options.memoryLimit, timeoutMs: options.timeout, maxOutputBytes: options.maxOutputBytes, maxHostCalls: options.maxHostCalls },
    graceMs: options.watchdogGrace,
    cpuBudgetMs: options.cpuBudgetMs,
    maxSourceBytes: options.maxSourceBytes,
    recycleAfter: options.recycleAfter,
    workerMaxRssBytes: options.workerMaxRssMb * 1024 * 1024,
    breaker: options.breaker,
    backoff: options.backoff,
    capabilities: createCapabilities({ kv: options.kv, fetch: options.fetch }),
    onAlert: hooks.alert,
    onCrash: hooks.crashed,
    ...(options.execArgv ? { execArgv: options.execArgv } : {}),
  });
  const service: SandboxService = {
    run: (request) => pool.run(request),
    describe: (source, filename) => pool.describe(source, filename),
    userTools: () => loadUserTools(hooks.workspace, pool, options.maxSourceBytes),
    registerTool: (tool) => {
      if (hooks.register === undefined) throw new Error('sandbox.registerTool(): no tools registry (add the agent plugin)');
      return hooks.register(sandboxedTool(pool, tool));
    },
    cpuUsedMs: (sessionKey) => pool.cpuUsedMs(sessionKey),
    stats: () => pool.stats(),
  };
  return { service, pool };
}

export default definePlugin<SandboxOptions>({
  name: 'sandbox',
  version: '1.0.0',
  provides: [sandboxServiceRef],
  kernel: '^1.0.0',
  description: 'Runs untrusted tool code in isolated-vm inside supervised worker processes',
  schema,
  validate,
  // The agent provides the `tools` registry user tools are added to; without it the sandbox still serves.
  optionalDependencies: ['agent'],
  setup(ctx, options) {
    const { service, pool } = createSandboxService(options, {
      workspace: ctx.paths.workspace,
      alert: (alert) => {
        ctx.hooks.alert.promise(alert).catch((error: unknown) => ctx.log.error({ err: error }, 'sandbox alert delivery failed'));
      },
      register: (tool) => {
        const remove = ctx.use(toolRegistryRef).register(tool);
        ctx.onClose(remove);
        return remove;
      },
      crashed: (info) => ctx.log.error({ pid: info.pid, exitCode: info.exitCode, signal: info.signal, stderr: info.stderr.slice(-500) }, 'sandbox worker crashed'),
    });
    ctx.provide(sandboxServiceRef, service);
    ctx.hooks.start.tapPromise(ctx.name, async () => {
      if (options.prewarm) await pool.warm();
      await registerUserTools(ctx, () => service.userTools());
    });
    ctx.hooks.collectMetrics.tap(ctx.name, (collector) => {
      const stats = pool.stats();
      collector.set('workers', stats.workers);
      collector.set('running', stats.running);
      collector.set('queued', stats.queued);
      collector.set('calls', stats.calls);
      collector.set('crashes', stats.crashes);
      collector.set('circuit_open', stats.circuit === 'open' ? 1 : 0);
    });
    ctx.hooks.diagnose.tapPromise(ctx.name, (report) => checkSandbox(service, report));
    ctx.onClose(() => pool.close());
  },
});
