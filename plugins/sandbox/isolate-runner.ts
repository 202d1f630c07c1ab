/**
 * Runs one tool call in an isolate. Loaded only inside the sandbox worker process: isolated-vm
 * never loads in the gateway (a catastrophic isolate error aborts the whole process).
 *
 * One warm isolate is reused with a fresh context per call ("pooled with reset"): a context has
 * its own globals and builtins, so nothing one call leaves behind is reachable by the next.
 * The isolate is thrown away after a memory-limit hit, a timeout, `recycleAfter` calls, or a
 * change of memory limit.
 *
 * Creating a context is most of a warm call's cost (V8 sets up every builtin), so the next
 * call's context is created while the worker idles, right after a call's result is sent: an
 * unused, never-entered context that the next call takes and releases. No context ever serves
 * two calls.
 */
import { writeSync } from 'node:fs';
import ivm from 'isolated-vm';
import { DESCRIBE_GLUE, RUN_SETUP, RUN_START } from './glue.ts';
import { ENVELOPE_OVERHEAD } from './limits.ts';
import type { CallKind, CallOutcome, RunLimits } from './protocol.ts';

export type CapabilityBridge = (name: string, argsJson: string) => Promise<string>;

export interface CallInput {
  kind: CallKind;
  source: string;
  filename: string;
  argsJson: string;
  limits: RunLimits;
}

class WatchdogFired extends Error {}

export class IsolateRunner {
  readonly #recycleAfter: number;
  #isolate: ivm.Isolate | undefined;
  #memoryLimit = 0;
  #calls = 0;
  /** The next call's context, created while the worker idled; belongs to `#isolate`, never entered yet. */
  #spare: ivm.Context | undefined;
  /** Whether the heap was checked since the last call (the idle step does it off the critical path). */
  #heapChecked = true;
  #busy = false;
  readonly #scripts = new Map<string, ivm.Script>();

  constructor(recycleAfter: number) {
    this.#recycleAfter = recycleAfter;
  }

  async call(input: CallInput, capability: CapabilityBridge): Promise<CallOutcome> {
    this.#busy = true;
    const isolate = this.#acquire(input.limits.memoryLimit);
    const started = process.hrtime.bigint();
    const cpuBefore = isolate.cpuTime;
    let context: ivm.Context | undefined;
    let module: ivm.Module | undefined;
    let recycle = false;
    let settle: ivm.Reference | undefined;
    let namespace: ivm.Reference | undefined;
    let timer: NodeJS.Timeout | undefined;
    // The ivm `timeout` covers synchronous execution only; a promise that never settles, or an
    // endless chain of awaited host calls, is ended by this wall-clock watchdog (issue #318).
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new WatchdogFired()), input.limits.timeoutMs);
    });
    const guarded = <T>(work: Promise<T>): Promise<T> => {
      work.catch(() => {}); // settles after the watchdog won: nobody awaits it any more
      return Promise.race([work, watchdog]);
    };
    try {
      context = this.#spare ?? isolate.createContextSync();
      this.#spare = undefined;
      module = isolate.compileModuleSync(input.source, { filename: input.filename });
      if (module.dependencySpecifiers.length > 0) {
        return this.#outcome(false, isolate, cpuBefore, started, { code: 'MOLT_ERR_SANDBOX_INVALID_TOOL', message: 'sandboxed tools cannot import modules' });
      }
      module.instantiateSync(context, () => {
        throw new Error('imports are not allowed');
      });
      // Synchronous: the ivm timeout ends a loop in top-level code, and a pending top-level await
      // leaves the export uninitialised, which the glue reports as a tool error.
      module.evaluateSync({ timeout: input.limits.timeoutMs });
      namespace = module.namespace;
      const { timeoutMs, maxOutputBytes } = input.limits;
      let envelope: unknown;
      if (input.kind === 'describe') {
        envelope = context.evalClosureSync(DESCRIBE_GLUE, [namespace.derefInto(), input.argsJson, maxOutputBytes, null], { timeout: timeoutMs });
      } else {
        settle = this.#bridge(context, namespace, input, capability);
        envelope = await guarded(this.#glue(isolate, RUN_START).run(context, { timeout: timeoutMs, promise: true }));
      }
      if (typeof envelope !== 'string') {
        return this.#outcome(false, isolate, cpuBefore, started, { code: 'MOLT_ERR_SANDBOX_TOOL_ERROR', message: 'the tool produced no result' });
      }
      // Re-checked out here: tool code can redefine the globals the glue reads its limit from.
      if (envelope.length > input.limits.maxOutputBytes + ENVELOPE_OVERHEAD) {
        return this.#outcome(false, isolate, cpuBefore, started, { code: 'MOLT_ERR_SANDBOX_OUTPUT_TOO_LARGE', message: `result is ${envelope.length} characters; the limit is ${input.limits.maxOutputBytes}` });
      }
      return this.#outcome(true, isolate, cpuBefore, started, { json: envelope });
    } catch (error) {
      const { recycle: mustRecycle, ...failure } = classify(error, isolate, input.limits.timeoutMs);
      recycle = mustRecycle;
      return this.#outcome(false, isolate, cpuBefore, started, failure);
    } finally {
      clearTimeout(timer);
      this.#calls++;
      this.#busy = false;
      if (recycle || this.#calls >= this.#recycleAfter) this.#dispose();
      else {
        // Every handle pins its context's heap until released: a warm isolate would fill up.
        for (const handle of [settle, namespace, module, context]) handle?.release();
        this.#heapChecked = false;
      }
      // Runs after the caller's continuation has sent the result.
      setImmediate(() => this.#idle(input.limits.memoryLimit));
    }
  }

  /**
   * Off the critical path, while no call runs: replace an isolate whose heap is half full, and
   * create the next call's context (and its isolate after a recycle) so the call only enters it.
   */
  #idle(memoryLimit: number): void {
    if (this.#busy) return;
    try {
      const isolate = this.#acquire(memoryLimit);
      if (this.#spare === undefined) this.#spare = isolate.createContextSync();
    } catch {
      // A broken isolate: the next call starts from a new one, on its own path.
      this.#dispose();
    }
  }

  dispose(): void {
    this.#dispose();
  }

  /**
   * Wires host capabilities: the isolate calls an `ignored` Callback (arguments copied, nothing
   * returned) to start one, and the worker answers by calling the in-isolate settle function
   * through a Reference that stays on this side of the boundary.
   */
  #bridge(context: ivm.Context, namespace: ivm.Reference, input: CallInput, capability: CapabilityBridge): ivm.Reference {
    const { timeoutMs, maxOutputBytes } = input.limits;
    let settle: ivm.Reference | undefined;
    const answer = (id: number, ok: boolean, payload: string) => {
      settle?.apply(undefined, [id, ok, payload], { timeout: timeoutMs }).catch(() => {});
    };
    const cap = new ivm.Callback((id: unknown, name: unknown, argsJson: unknown) => {
      if (typeof id !== 'number' || typeof name !== 'string' || typeof argsJson !== 'string') return;
      capability(name, argsJson).then(
        (json) => answer(id, true, json),
        (error: unknown) => answer(id, false, error instanceof Error ? error.message : 'capability failed'),
      );
    }, { ignored: true });
    context.evalClosureSync(RUN_SETUP, [namespace.derefInto(), input.argsJson, maxOutputBytes, cap], { timeout: timeoutMs });
    settle = context.global.getSync('__moltbot_settle', { reference: true }) as ivm.Reference;
    return settle;
  }

  #acquire(memoryLimit: number): ivm.Isolate {
    if (this.#isolate !== undefined && (this.#isolate.isDisposed || this.#memoryLimit !== memoryLimit)) this.#dispose();
    if (this.#isolate !== undefined && !this.#heapChecked && this.#heapNearLimit(this.#isolate)) this.#dispose();
    this.#heapChecked = true;
    if (this.#isolate === undefined) {
      this.#isolate = new ivm.Isolate({ memoryLimit, onCatastrophicError: abortWorker });
      this.#memoryLimit = memoryLimit;
      this.#calls = 0;
    }
    return this.#isolate;
  }

  /** A warm isolate whose heap is half full is replaced before a tool's allocation fails on leftovers. */
  #heapNearLimit(isolate: ivm.Isolate): boolean {
    if (isolate.isDisposed) return true;
    const { used_heap_size: used, externally_allocated_size: external } = isolate.getHeapStatisticsSync();
    return used + external > (this.#memoryLimit * 1024 * 1024) / 2;
  }

  /** The glue scripts compile once per isolate and run in each call's fresh context. */
  #glue(isolate: ivm.Isolate, source: string): ivm.Script {
    let script = this.#scripts.get(source);
    if (script === undefined) this.#scripts.set(source, (script = isolate.compileScriptSync(source)));
    return script;
  }

  #dispose(): void {
    const isolate = this.#isolate;
    this.#isolate = undefined;
    this.#scripts.clear();
    // A spare context goes with its isolate.
    this.#spare = undefined;
    if (isolate !== undefined && !isolate.isDisposed) isolate.dispose();
  }

  #outcome(ok: boolean, isolate: ivm.Isolate, cpuBefore: bigint, started: bigint, rest: Partial<CallOutcome>): CallOutcome {
    let cpuNs: bigint;
    try {
      cpuNs = isolate.cpuTime - cpuBefore;
    } catch {
      // A disposed isolate has no clock: charge the wall time, which is never less than CPU time.
      cpuNs = process.hrtime.bigint() - started;
    }
    return { ok, cpuNs: cpuNs.toString(), rss: process.memoryUsage.rss(), ...rest };
  }
}

function classify(error: unknown, isolate: ivm.Isolate, timeoutMs: number): { code: string; message: string; recycle: boolean } {
  if (error instanceof WatchdogFired) {
    // Disposing terminates whatever still runs in the isolate; its pending promises reject.
    return { code: 'MOLT_ERR_SANDBOX_TIMEOUT', message: `tool did not finish within ${timeoutMs} ms`, recycle: true };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/memory limit/i.test(message) || isolate.isDisposed) {
    return { code: 'MOLT_ERR_SANDBOX_MEMORY', message: 'tool exceeded its memory limit', recycle: true };
  }
  if (/timed out/i.test(message)) {
    return { code: 'MOLT_ERR_SANDBOX_TIMEOUT', message: `tool did not finish within ${timeoutMs} ms`, recycle: true };
  }
  if (error instanceof SyntaxError || /SyntaxError/.test(message)) {
    return { code: 'MOLT_ERR_SANDBOX_INVALID_TOOL', message: message.slice(0, 500), recycle: false };
  }
  return { code: 'MOLT_ERR_SANDBOX_TOOL_ERROR', message: message.slice(0, 500), recycle: false };
}

/** isolated-vm's advice for a catastrophic error: report, then end the process (the parent respawns it). */
function abortWorker(message: string): void {
  try {
    writeSync(2, `moltbot sandbox worker: catastrophic isolate error: ${String(message).slice(0, 200)}\n`);
  } finally {
    process.abort();
  }
}
