/**
 * `sandbox`: runs untrusted tool code (workspace `tools/*.mjs`, and tools plugins declare
 * untrusted) in isolated-vm isolates inside supervised worker processes. This module never
 * imports isolated-vm: only worker.ts (in the child) does.
 */
import { checkSandbox } from './health-check.ts';
import { availableParallelism } from 'node:os';
import schema from '../../schemas/plugins/sandbox.json' with { type: 'json' };
import validate from '../../schemas/generated/sandbox.validate.ts';
import { definePlugin, createServiceRef } from '../../sdk/core/index.ts';
import { createCapabilities } from './capabilities.ts';
import { SandboxPool, type SandboxRunRequest, type SandboxRunResult, type SandboxStats } from './pool.ts';
import { registerUserTools } from './register-tools.ts';
import { loadUserTools, sandboxedTool, type UserTool, type UserToolProblem } from './user-tools.ts';
import { toolRegistryRef, type ToolDefinition } from '../../sdk/agent/index.ts';

/** Runs user tools in isolates in a supervised worker. */
export const sandboxServiceRef = createServiceRef<SandboxService>({ id: 'sandbox', description: 'Runs user tools in isolates in a supervised worker' });

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

export interface SandboxService {
  /** Runs a tool module's `default.run(args, host)` in a fresh isolate context. */
  run(request: SandboxRunRequest): Promise<SandboxRunResult>;
  describe(source: string, filename: string): Promise<{ description: string; parameters: object }>;
  /** Loads `<workspace>/tools/*.mjs` (described in the sandbox); files that fail are listed in `problems`. */
  userTools(): Promise<{ tools: UserTool[]; problems: UserToolProblem[] }>;
  /**
   * Registers a tool whose code a plugin declares untrusted: `source` is an ES module like a
   * workspace tool, run in the sandbox on every call; `parameters` is checked before each call.
   * Needs the agent's `tools` registry; returns the unregister function.
   */
  registerTool(tool: { name: string; description: string; parameters: object; source: string }): () => void;
  cpuUsedMs(sessionKey: string): number;
  stats(): SandboxStats;
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
