/**
 * Messages between the gateway (parent) and a sandbox worker process, over the fork IPC
 * channel (JSON). Everything crossing it is plain data: the worker never receives a function,
 * and a tool's result leaves the isolate as one bounded JSON string.
 */
import type { ArgsSchema } from '../../sdk/agent/index.ts';

export interface RunLimits {
  /** isolated-vm `memoryLimit` in MB (minimum 8). */
  memoryLimit: number;
  /** ivm `timeout` on every entry, and the worker's own wall-clock watchdog (ms). */
  timeoutMs: number;
  /** Largest result JSON, in UTF-16 code units, checked inside the isolate and again outside. */
  maxOutputBytes: number;
  /** Host capability calls one run may make. */
  maxHostCalls: number;
}

/** `run` evaluates the module and calls `default.run(args, host)`; `describe` returns its metadata. */
export type CallKind = 'run' | 'describe';


export type ParentMessage =
  | { type: 'call'; id: number; kind: CallKind; source: string; filename: string; argsJson: string; limits: RunLimits; schema?: ArgsSchema }
  | { type: 'capResult'; capId: number; ok: boolean; valueJson?: string; error?: string };

export interface CallOutcome {
  ok: boolean;
  /** JSON text of the result (run) or of `{ description, parameters }` (describe). */
  json?: string;
  /** Error code from the sandbox error catalogue and a sanitized message. */
  code?: string;
  message?: string;
  /** CPU time the isolate spent on this call, ns as a decimal string (bigint over JSON). */
  cpuNs: string;
  /** Resident memory of the worker process (bytes), sampled after its previous call (or at start): the pool retires a bloated worker. */
  rss: number;
}

export type WorkerMessage =
  | { type: 'ready'; pid: number }
  | { type: 'result'; id: number; outcome: CallOutcome }
  | { type: 'cap'; id: number; capId: number; name: string; argsJson: string };
