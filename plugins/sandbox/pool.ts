/**
 * The supervised pool of sandbox worker processes: at most `size` calls run at once (one per
 * worker), up to `maxQueue` wait, beyond that `MOLT_ERR_SANDBOX_BUSY`. A worker that dies fails
 * its call with `MOLT_ERR_SANDBOX_CRASHED` and is respawned with exponential backoff; repeated
 * crashes inside a window open a circuit breaker (calls fail fast with
 * `MOLT_ERR_SANDBOX_UNAVAILABLE`) and raise an alert. CPU time is budgeted per session.
 */
import type { Alert } from '../../sdk/core/index.ts';
import { SandboxError, isSandboxCode } from './errors.ts';
import { ENVELOPE_OVERHEAD } from './limits.ts';
import type { ArgsSchema, SandboxRunRequest, SandboxRunResult, SandboxStats } from '../../sdk/agent/index.ts';
import type { CallKind, CallOutcome, RunLimits } from './protocol.ts';
import { EXIT_NO_SNAPSHOT_FLAG } from './snapshot-guard.ts';
import { WorkerProcess, type WorkerFailure } from './worker-process.ts';

export type CapabilityHost = (sessionKey: string | undefined, name: string, argsJson: string) => Promise<string>;

export interface PoolOptions {
  size: number;
  maxQueue: number;
  limits: RunLimits;
  graceMs: number;
  cpuBudgetMs: number;
  maxSourceBytes: number;
  recycleAfter: number;
  /** A worker whose RSS (sampled after its previous call) passes this is replaced after the call (bytes). */
  workerMaxRssBytes: number;
  breaker: { threshold: number; windowMs: number; cooldownMs: number };
  backoff: { initialMs: number; maxMs: number };
  capabilities: CapabilityHost;
  onAlert(alert: Alert): void;
  onCrash?(info: { pid: number | undefined; exitCode: number | null; signal: string | null; stderr: string }): void;
  /** Child flags; tests drop `--no-node-snapshot` to check the worker's guard. */
  execArgv?: string[];
}




interface Job {
  kind: CallKind;
  request: SandboxRunRequest;
  argsJson: string;
  resolve(result: SandboxRunResult): void;
  reject(error: Error): void;
}

interface Slot {
  worker?: WorkerProcess;
  ready: boolean;
  busy: boolean;
  failures: number;
  respawn?: NodeJS.Timeout;
}

const MAX_SESSIONS_TRACKED = 10_000;

export class SandboxPool {
  readonly #options: PoolOptions;
  readonly #slots: Slot[];
  readonly #queue: Job[] = [];
  readonly #cpuNs = new Map<string, bigint>();
  #crashTimes: number[] = [];
  #openUntil = 0;
  #openReason = '';
  #crashAlertAt = -Infinity;
  #calls = 0;
  #crashes = 0;
  #retired = 0;
  #closed = false;

  constructor(options: PoolOptions) {
    this.#options = options;
    this.#slots = Array.from({ length: options.size }, () => ({ ready: false, busy: false, failures: 0 }));
  }

  run(request: SandboxRunRequest): Promise<SandboxRunResult> {
    return this.#enqueue('run', request);
  }

  /** Evaluates the module in the sandbox and returns its `{ description, parameters }`. */
  async describe(source: string, filename: string): Promise<{ description: string; parameters: object }> {
    const { value } = await this.#enqueue('describe', { source, filename });
    return value as { description: string; parameters: object };
  }

  /** CPU milliseconds a session has used so far. */
  cpuUsedMs(sessionKey: string): number {
    return Number(this.#cpuNs.get(sessionKey) ?? 0n) / 1e6;
  }

  stats(): SandboxStats {
    const live = this.#slots.filter((slot) => slot.worker?.alive);
    return {
      size: this.#slots.length,
      workers: live.length,
      pids: live.map((slot) => slot.worker?.pid).filter((pid): pid is number => pid !== undefined),
      running: this.#slots.filter((slot) => slot.busy).length,
      queued: this.#queue.length,
      calls: this.#calls,
      crashes: this.#crashes,
      retired: this.#retired,
      circuit: this.#circuitOpen() ? 'open' : 'closed',
    };
  }

  /** Starts every worker now instead of on first use. */
  async warm(): Promise<void> {
    for (const slot of this.#slots) if (slot.worker === undefined) this.#spawn(slot);
    await Promise.all(this.#slots.map((slot) => slot.worker?.ready.catch(() => {})));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new SandboxError('MOLT_ERR_SANDBOX_UNAVAILABLE', 'the sandbox is closing'));
    const exits = this.#slots.map((slot) => {
      clearTimeout(slot.respawn);
      slot.worker?.kill();
      return slot.worker?.exited;
    });
    await Promise.all(exits);
  }

  #enqueue(kind: CallKind, request: SandboxRunRequest): Promise<SandboxRunResult> {
    if (this.#closed) return Promise.reject(new SandboxError('MOLT_ERR_SANDBOX_UNAVAILABLE', 'the sandbox is closed'));
    if (this.#circuitOpen()) return Promise.reject(new SandboxError('MOLT_ERR_SANDBOX_UNAVAILABLE', `the sandbox is unavailable: ${this.#openReason}`));
    const sourceBytes = Buffer.byteLength(request.source);
    if (sourceBytes > this.#options.maxSourceBytes) {
      return Promise.reject(new SandboxError('MOLT_ERR_SANDBOX_SOURCE_TOO_LARGE', `tool source is ${sourceBytes} bytes; the limit is ${this.#options.maxSourceBytes}`));
    }
    const key = request.sessionKey;
    if (key !== undefined && this.cpuUsedMs(key) >= this.#options.cpuBudgetMs) {
      return Promise.reject(new SandboxError('MOLT_ERR_SANDBOX_CPU_BUDGET', `session used its sandbox CPU budget of ${this.#options.cpuBudgetMs} ms`));
    }
    const running = this.#slots.filter((slot) => slot.busy).length;
    if (this.#queue.length >= this.#options.maxQueue && running >= this.#slots.length) {
      return Promise.reject(new SandboxError('MOLT_ERR_SANDBOX_BUSY', `${running} sandbox calls running and ${this.#queue.length} queued`));
    }
    let argsJson: string;
    try {
      argsJson = JSON.stringify(request.args ?? {});
    } catch {
      return Promise.reject(new SandboxError('MOLT_ERR_SANDBOX_TOOL_ERROR', 'tool arguments are not JSON data'));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ kind, request, argsJson, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      const slot = this.#slots.find((s) => s.ready && !s.busy && s.worker?.alive && !s.worker.retired);
      if (slot === undefined) break;
      this.#execute(slot, this.#queue.shift() as Job);
    }
    if (this.#queue.length === 0) return;
    for (const slot of this.#slots) {
      if (slot.worker === undefined && slot.respawn === undefined) this.#spawn(slot);
    }
  }

  #spawn(slot: Slot): void {
    if (this.#closed) return;
    const worker = new WorkerProcess({ recycleAfter: this.#options.recycleAfter, execArgv: this.#options.execArgv });
    slot.worker = worker;
    slot.ready = false;
    worker.ready.then(() => {
      slot.ready = true;
      this.#pump();
    }, () => {});
    void worker.exited.then(({ code, signal }) => this.#onExit(slot, worker, code, signal));
  }

  #onExit(slot: Slot, worker: WorkerProcess, code: number | null, signal: string | null): void {
    if (slot.worker !== worker) return;
    slot.worker = undefined;
    slot.ready = false;
    if (this.#closed) return;
    // A retired worker is replaced on demand by #pump, without backoff or crash accounting.
    if (worker.retired) return void this.#pump();
    if (!worker.killedForOverrun) this.#recordCrash(worker, code, signal);
    if (this.#circuitOpen()) return;
    slot.failures++;
    const delay = Math.min(this.#options.backoff.initialMs * 2 ** (slot.failures - 1), this.#options.backoff.maxMs);
    slot.respawn = setTimeout(() => {
      slot.respawn = undefined;
      this.#spawn(slot);
    }, worker.killedForOverrun ? 0 : delay);
    slot.respawn.unref();
  }

  #recordCrash(worker: WorkerProcess, code: number | null, signal: string | null): void {
    const now = Date.now();
    this.#crashes++;
    this.#options.onCrash?.({ pid: worker.pid, exitCode: code, signal, stderr: worker.stderrTail });
    if (code === EXIT_NO_SNAPSHOT_FLAG) {
      // A configuration fault, not a flaky crash: retrying cannot help.
      this.#open(now, 'the sandbox worker refuses to start without --no-node-snapshot');
      return;
    }
    const { threshold, windowMs } = this.#options.breaker;
    this.#crashTimes = [...this.#crashTimes.filter((t) => now - t < windowMs), now];
    if (now - this.#crashAlertAt >= windowMs) {
      this.#crashAlertAt = now;
      this.#alert('sandbox-worker-crashed', 'warning', 'firing', `sandbox worker crashed (exit code ${code}, signal ${signal}); respawning`, { exitCode: code, signal });
    }
    if (this.#crashTimes.length >= threshold) this.#open(now, `${this.#crashTimes.length} worker crashes within ${windowMs} ms`);
  }

  #open(now: number, reason: string): void {
    this.#openUntil = now + this.#options.breaker.cooldownMs;
    this.#openReason = reason;
    this.#crashTimes = [];
    for (const job of this.#queue.splice(0)) job.reject(new SandboxError('MOLT_ERR_SANDBOX_UNAVAILABLE', `the sandbox is unavailable: ${reason}`));
    this.#alert('sandbox-circuit-open', 'critical', 'firing', `sandbox circuit breaker open: ${reason}`, { cooldownMs: this.#options.breaker.cooldownMs });
  }

  #circuitOpen(): boolean {
    return Date.now() < this.#openUntil;
  }

  #alert(id: string, severity: Alert['severity'], state: Alert['state'], message: string, data?: Record<string, unknown>): void {
    this.#options.onAlert({ id, severity, source: 'sandbox', message, state, at: Date.now(), ...(data ? { data } : {}) });
  }

  #execute(slot: Slot, job: Job): void {
    const worker = slot.worker as WorkerProcess;
    const started = performance.now();
    const { limits, graceMs } = this.#options;
    const sessionKey = job.request.sessionKey;
    slot.busy = true;
    this.#calls++;
    worker.call({
      kind: job.kind,
      source: job.request.source,
      filename: job.request.filename,
      argsJson: job.argsJson,
      ...(job.request.schema === undefined ? {} : { schema: job.request.schema }),
      limits,
      graceMs,
      capability: (name, argsJson) => this.#options.capabilities(sessionKey, name, argsJson),
    }).then((outcome) => {
      if (outcome.rss > this.#options.workerMaxRssBytes) {
        this.#retired++;
        worker.retire();
      }
      const cpuNs = BigInt(outcome.cpuNs);
      this.#charge(sessionKey, cpuNs);
      const result = this.#settle(outcome);
      if (result instanceof Error) return job.reject(result);
      slot.failures = 0;
      if (this.#openUntil !== 0) {
        this.#openUntil = 0;
        this.#alert('sandbox-circuit-open', 'critical', 'resolved', 'sandbox circuit breaker closed: calls succeed again');
      }
      job.resolve({ value: result.value, cpuMs: Number(cpuNs) / 1e6, durationMs: performance.now() - started, workerPid: worker.pid ?? 0 });
    }, (failure: WorkerFailure) => {
      if (failure.reason === 'killed-overrun') {
        this.#charge(sessionKey, BigInt(limits.timeoutMs + graceMs) * 1_000_000n);
        job.reject(new SandboxError('MOLT_ERR_SANDBOX_TIMEOUT', `tool did not finish within ${limits.timeoutMs} ms; its worker was killed`));
      } else {
        job.reject(new SandboxError('MOLT_ERR_SANDBOX_CRASHED', `the sandbox worker died during the call (exit code ${failure.exitCode}, signal ${failure.signal})`, { exitCode: failure.exitCode, signal: failure.signal }));
      }
    }).finally(() => {
      slot.busy = false;
      this.#pump();
    });
  }

  #settle(outcome: CallOutcome): { value: unknown } | SandboxError {
    if (!outcome.ok || outcome.json === undefined) return toError(outcome.code, outcome.message);
    if (outcome.json.length > this.#options.limits.maxOutputBytes + ENVELOPE_OVERHEAD) {
      return new SandboxError('MOLT_ERR_SANDBOX_OUTPUT_TOO_LARGE', `result is ${outcome.json.length} characters; the limit is ${this.#options.limits.maxOutputBytes}`);
    }
    const envelope = JSON.parse(outcome.json) as { ok: boolean; value?: unknown; code?: string; message?: string };
    return envelope.ok ? { value: envelope.value } : toError(envelope.code, envelope.message);
  }

  #charge(sessionKey: string | undefined, ns: bigint): void {
    if (sessionKey === undefined) return;
    const used = (this.#cpuNs.get(sessionKey) ?? 0n) + ns;
    this.#cpuNs.delete(sessionKey);
    this.#cpuNs.set(sessionKey, used);
    if (this.#cpuNs.size > MAX_SESSIONS_TRACKED) this.#cpuNs.delete(this.#cpuNs.keys().next().value as string);
  }
}

function toError(code: string | undefined, message: string | undefined): SandboxError {
  return new SandboxError(isSandboxCode(code) ? code : 'MOLT_ERR_SANDBOX_TOOL_ERROR', message ?? 'the tool failed');
}
