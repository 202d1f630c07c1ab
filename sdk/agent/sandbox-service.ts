/**
 * The sandbox's contract: what a plugin gets from `sandboxServiceRef` to run untrusted tool code
 * (a workspace tool, or a tool whose source it declares untrusted) in an isolate, in a
 * supervised worker process. The implementation is the `sandbox` plugin.
 */
import { createServiceRef } from '../core/index.ts';

/**
 * The tool's parameter schema: compiled and checked against the arguments in the worker, never
 * in the gateway (a schema from untrusted code could stall the gateway's event loop).
 */
export interface ArgsSchema {
  /** Tool name, for the error message. */
  tool: string;
  json: string;
}

export interface SandboxRunRequest {
  /** Text of the tool's ES module. */
  source: string;
  /** Shown in stack traces, e.g. `tools/weather.mjs`. */
  filename: string;
  args?: unknown;
  /**
   * The tool's parameter schema (JSON text): the worker compiles it and checks `args` before the
   * tool runs. Never compiled in the gateway: the schema may come from untrusted code.
   */
  schema?: ArgsSchema;
  /** Session charged for CPU time; calls without one are not budgeted. */
  sessionKey?: string;
}

export interface SandboxRunResult {
  value: unknown;
  cpuMs: number;
  durationMs: number;
  workerPid: number;
}

export interface SandboxStats {
  size: number;
  workers: number;
  pids: number[];
  running: number;
  queued: number;
  calls: number;
  crashes: number;
  /** Workers replaced because their memory grew past `workerMaxRssMb`. */
  retired: number;
  circuit: 'closed' | 'open';
}

export interface UserTool {
  name: string;
  description: string;
  parameters: object;
  /** Path relative to the workspace, for messages. */
  file: string;
  invoke(args: unknown, sessionKey?: string): Promise<SandboxRunResult>;
}

export interface UserToolProblem {
  file: string;
  message: string;
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

/** Runs user tools in isolates in a supervised worker (plugin `sandbox`). */
export const sandboxServiceRef = createServiceRef<SandboxService>({ id: 'sandbox', description: 'Runs user tools in isolates in a supervised worker' });
