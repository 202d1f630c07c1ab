/**
 * One sandbox worker child process, seen from the gateway: spawn, one call at a time, a host
 * watchdog that kills the process when a call overruns (the worker's own watchdog failed or
 * its event loop is stuck), and how it ended.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ArgsSchema } from '../../sdk/agent/index.ts';
import { PACKAGE } from '../../sdk/core/index.ts';
import type { CallKind, CallOutcome, ParentMessage, RunLimits, WorkerMessage } from './protocol.ts';
import { SNAPSHOT_FLAG } from './snapshot-guard.ts';

// From source the worker is worker.ts beside this file (type stripping); in the published
// package it is the bundle's entry dist/plugins/sandbox/worker.js (this code sits in a shared
// chunk there, so the path is taken from the package root, not from this module).
const WORKER_ENTRY = import.meta.url.endsWith('.ts')
  ? fileURLToPath(new URL('./worker.ts', import.meta.url))
  : join(PACKAGE.root, 'dist', 'plugins', 'sandbox', 'worker.js');
const STDERR_TAIL = 4096;

export interface WorkerSpawnOptions {
  /** Flags for the child; `--no-node-snapshot` unless a test removes it on purpose. */
  execArgv?: string[];
  recycleAfter: number;
}

export type CapabilityHandler = (name: string, argsJson: string) => Promise<string>;

export interface WorkerCall {
  kind: CallKind;
  source: string;
  filename: string;
  argsJson: string;
  /** Checked against the arguments in the worker before the tool runs. */
  schema?: ArgsSchema;
  limits: RunLimits;
  /** Extra wall time past `limits.timeoutMs` before the process is killed. */
  graceMs: number;
  capability: CapabilityHandler;
}

/** Why a call failed without an outcome from the worker. */
export type WorkerFailure = { reason: 'crashed'; exitCode: number | null; signal: string | null; stderr: string } | { reason: 'killed-overrun' };

export class WorkerProcess {
  readonly child: ChildProcess;
  /** Resolves when the worker said it is ready; rejects when it exits first. */
  readonly ready: Promise<void>;
  /** Resolves once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  #stderr = '';
  #seq = 0;
  #current: { id: number; call: WorkerCall; resolve(o: CallOutcome): void; reject(f: WorkerFailure): void; timer: NodeJS.Timeout } | undefined;
  #overrun = false;
  #retired = false;
  #alive = true;

  constructor(options: WorkerSpawnOptions) {
    // No inherited environment: tool code never needs the gateway's secrets, and nor does the worker.
    this.child = fork(WORKER_ENTRY, [], {
      execArgv: options.execArgv ?? [SNAPSHOT_FLAG],
      env: { MOLTBOT_SANDBOX_RECYCLE_AFTER: String(options.recycleAfter) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-STDERR_TAIL);
    });
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'ready') resolve();
      };
      this.child.on('message', onMessage);
      this.child.once('exit', (code, signal) => reject(new Error(`sandbox worker exited before it was ready (code ${code}, signal ${signal}): ${this.#stderr.trim().slice(-300)}`)));
    });
    this.ready.catch(() => {});
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.#alive = false;
        const current = this.#current;
        this.#current = undefined;
        if (current !== undefined) {
          clearTimeout(current.timer);
          current.reject(this.#overrun ? { reason: 'killed-overrun' } : { reason: 'crashed', exitCode: code, signal, stderr: this.#stderr });
        }
        resolve({ code, signal });
      });
    });
    this.child.on('message', (message: WorkerMessage) => this.#onMessage(message));
    // An IPC write to a dying child can fail; the exit handler reports it.
    this.child.on('error', () => {});
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.#alive;
  }

  get busy(): boolean {
    return this.#current !== undefined;
  }

  /** The host watchdog killed it because a call overran (not a crash). */
  get killedForOverrun(): boolean {
    return this.#overrun;
  }

  get stderrTail(): string {
    return this.#stderr;
  }

  call(call: WorkerCall): Promise<CallOutcome> {
    if (this.#current !== undefined) throw new Error('sandbox worker is busy');
    return new Promise((resolve, reject) => {
      const id = ++this.#seq;
      const timer = setTimeout(() => {
        this.#overrun = true;
        this.child.kill('SIGKILL');
      }, call.limits.timeoutMs + call.graceMs);
      this.#current = { id, call, resolve, reject, timer };
      this.#send({ type: 'call', id, kind: call.kind, source: call.source, filename: call.filename, argsJson: call.argsJson, limits: call.limits, ...(call.schema === undefined ? {} : { schema: call.schema }) });
    });
  }

  kill(): void {
    if (this.#alive) this.child.kill('SIGKILL');
  }

  /** Ends an idle worker on purpose (memory grew past the limit): not a crash. */
  retire(): void {
    this.#retired = true;
    this.kill();
  }

  get retired(): boolean {
    return this.#retired;
  }

  #send(message: ParentMessage): void {
    if (this.#alive && this.child.connected) this.child.send(message);
  }

  #onMessage(message: WorkerMessage): void {
    const current = this.#current;
    if (current === undefined || message.type === 'ready' || message.id !== current.id) return;
    if (message.type === 'result') {
      this.#current = undefined;
      clearTimeout(current.timer);
      current.resolve(message.outcome);
      return;
    }
    current.call.capability(message.name, message.argsJson).then(
      (valueJson) => this.#send({ type: 'capResult', capId: message.capId, ok: true, valueJson }),
      (error: unknown) => this.#send({ type: 'capResult', capId: message.capId, ok: false, error: error instanceof Error ? error.message : 'capability failed' }),
    );
  }
}
