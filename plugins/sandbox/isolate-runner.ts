/**
 * Runs one tool call in an isolate. Loaded only inside the sandbox worker process: isolated-vm
 * never loads in the gateway (a catastrophic isolate error aborts the whole process).
 *
 * Warm isolates are reused with a fresh context per call ("pooled with reset"): a context has
 * its own globals and builtins, so nothing one call leaves behind is reachable by the next.
 * An isolate is thrown away after a memory-limit hit, a timeout, `recycleAfter` calls, or a
 * change of memory limit.
 *
 * Creating a context is most of a warm call's cost (V8 deserialises every builtin, ≈ 200–450 µs
 * of CPU here), so it is taken off the call's path: the worker keeps LANES isolates, each with
 * one prepared context. After a call its lane creates its next context with ivm's asynchronous
 * `createContext`, which runs on an ivm pool thread (another core) while this thread sends the
 * result and takes the next call on another lane. A prepared context is new and never entered;
 * the call that takes it releases it. No context ever serves two calls.
 */
import ivm from 'isolated-vm';
import { CONTROL, DESCRIBE_GLUE, RUN_SETUP } from './glue.ts';
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

/**
 * Isolates per worker. Two let back-to-back calls alternate: one lane prepares while the other
 * runs. Each costs one warm isolate (≈ 2 MB RSS) plus one prepared context (≈ 170 KB of its heap).
 */
export const LANES = 2;

class WatchdogFired extends Error {}

interface Lane {
  isolate: ivm.Isolate | undefined;
  memoryLimit: number;
  calls: number;
  /** The next call's context, created in the background; belongs to `isolate`, never entered yet. */
  spare: ivm.Context | undefined;
  /** Whether the heap was checked since the last call (the background step does it). */
  heapChecked: boolean;
  /** Background heap check + context creation in flight: the isolate is locked meanwhile. */
  preparing: Promise<void> | undefined;
}

export class IsolateRunner {
  readonly #recycleAfter: number;
  readonly #lanes: Lane[];
  #disposed = false;
  /**
   * Worker RSS, sampled after each call once its result is sent (reading it costs 10–16 µs of
   * CPU, 37–81 µs wall): an outcome carries the sample from after the previous call.
   */
  #rss = process.memoryUsage.rss();

  constructor(recycleAfter: number, lanes = LANES) {
    this.#recycleAfter = recycleAfter;
    this.#lanes = Array.from({ length: lanes }, () => ({ isolate: undefined, memoryLimit: 0, calls: 0, spare: undefined, heapChecked: true, preparing: undefined }));
  }

  async call(input: CallInput, capability: CapabilityBridge): Promise<CallOutcome> {
    const lane = await this.#pick(input.limits.memoryLimit);
    const isolate = this.#acquire(lane, input.limits.memoryLimit);
    const started = process.hrtime.bigint();
    const cpuBefore = isolate.cpuTime;
    let context: ivm.Context | undefined;
    let module: ivm.Module | undefined;
    let recycle = false;
    let control: ivm.Reference | undefined;
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
      context = lane.spare ?? isolate.createContextSync();
      lane.spare = undefined;
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
        control = this.#bridge(context, namespace, input, capability);
        // Started synchronously (an async entry is a round trip through an ivm pool thread): the
        // ivm timeout covers the tool's synchronous part and the microtasks that follow, and a
        // tool that needs nothing more has its envelope ready at once. One that waits on a host
        // call or a V8 task (async WebAssembly) is awaited through an async entry, which also
        // runs the V8 tasks the synchronous entry queued (ivm only runs them on async entries).
        control.applySync(undefined, [CONTROL.START], { timeout: timeoutMs });
        envelope = control.applySync(undefined, [CONTROL.RESULT], { timeout: timeoutMs });
        if (envelope === undefined) envelope = await guarded(control.apply(undefined, [CONTROL.AWAIT], { timeout: timeoutMs, result: { promise: true } }) as Promise<unknown>);
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
      lane.calls++;
      if (recycle || lane.calls >= this.#recycleAfter) this.#disposeLane(lane);
      else {
        // Every handle pins its context's heap until released: a warm isolate would fill up.
        for (const handle of [control, namespace, module, context]) handle?.release();
        lane.heapChecked = false;
      }
      // Every idle lane: the first calls find only one isolate.
      for (const each of this.#lanes) this.#prepare(each, input.limits.memoryLimit);
      setImmediate(() => {
        this.#rss = process.memoryUsage.rss();
      });
    }
  }

  dispose(): void {
    this.#disposed = true;
    for (const lane of this.#lanes) this.#disposeLane(lane);
  }

  /**
   * The lane for the next call: one with a prepared context; else wait for a preparation in
   * flight (it runs on another thread and is usually the sooner); else one to create a context
   * on the spot.
   */
  async #pick(memoryLimit: number): Promise<Lane> {
    for (;;) {
      const ready = this.#lanes.find((lane) => lane.preparing === undefined && lane.spare !== undefined && lane.memoryLimit === memoryLimit);
      if (ready !== undefined) return ready;
      const pending = this.#lanes.flatMap((lane) => (lane.preparing === undefined ? [] : [lane.preparing]));
      if (pending.length === 0) return this.#lanes[0] as Lane;
      await Promise.race(pending);
    }
  }

  /**
   * Off the critical path, while other work runs: replace an isolate whose heap is half full
   * (or that was recycled), and create the lane's next context asynchronously.
   */
  #prepare(lane: Lane, memoryLimit: number): void {
    if (this.#disposed || lane.preparing !== undefined || lane.spare !== undefined) return;
    const job = this.#fill(lane, memoryLimit);
    lane.preparing = job;
    void job.then(() => {
      if (lane.preparing === job) lane.preparing = undefined;
    });
  }

  async #fill(lane: Lane, memoryLimit: number): Promise<void> {
    try {
      // One lane, or a new isolate (ivm creates isolates synchronously, ≈ 2–5 ms): after the
      // caller has sent the result. Several lanes: the pool thread starts at once, overlapping
      // the send (p50 0.92–0.94× of waiting for setImmediate, 7 alternating pairs, twice).
      let later = this.#lanes.length === 1 || lane.isolate === undefined || lane.isolate.isDisposed;
      // The heap check (3 µs) also runs the previous call's handle releases.
      if (!later && !lane.heapChecked) {
        lane.heapChecked = true;
        if (this.#heapNearLimit(lane)) {
          this.#disposeLane(lane);
          later = true;
        }
      }
      if (later) await new Promise((resolve) => setImmediate(resolve));
      if (this.#disposed) return;
      const isolate = this.#acquire(lane, memoryLimit);
      // One lane: create on this thread while the result travels (a pool-thread round trip
      // costs more CPU than it hides when nothing runs meanwhile). Several: on an ivm pool
      // thread, while this thread runs the next call on another lane.
      const context = this.#lanes.length === 1 ? isolate.createContextSync() : await isolate.createContext();
      // The isolate went away meanwhile (disposed after a timeout elsewhere, or the worker is
      // closing): the context went with it.
      if (lane.isolate === isolate && !isolate.isDisposed) lane.spare = context;
    } catch {
      // A broken isolate: the next call on this lane starts from a new one.
      this.#disposeLane(lane);
    }
  }

  /**
   * Wires host capabilities: the isolate calls an `ignored` Callback (arguments copied, nothing
   * returned) to start one, and the worker answers through a Reference to the run's control
   * function, which stays on this side of the boundary (tool code never sees it, and nothing is
   * put on the global object).
   */
  #bridge(context: ivm.Context, namespace: ivm.Reference, input: CallInput, capability: CapabilityBridge): ivm.Reference {
    const { timeoutMs, maxOutputBytes } = input.limits;
    let control: ivm.Reference | undefined;
    // Asynchronous like the wait: V8 tasks queued by what the answer resumes then run too.
    const answer = (id: number, ok: boolean, payload: string) => {
      control?.apply(undefined, [id, ok, payload], { timeout: timeoutMs }).catch(() => {});
    };
    const cap = new ivm.Callback((id: unknown, name: unknown, argsJson: unknown) => {
      if (typeof id !== 'number' || typeof name !== 'string' || typeof argsJson !== 'string') return;
      capability(name, argsJson).then(
        (json) => answer(id, true, json),
        (error: unknown) => answer(id, false, error instanceof Error ? error.message : 'capability failed'),
      );
    }, { ignored: true });
    control = context.evalClosureSync(RUN_SETUP, [namespace.derefInto(), input.argsJson, maxOutputBytes, cap], { timeout: timeoutMs, result: { reference: true } }) as ivm.Reference;
    return control;
  }

  /** The lane's isolate, new when there is none, it died, or the memory limit changed. */
  #acquire(lane: Lane, memoryLimit: number): ivm.Isolate {
    if (lane.isolate !== undefined && (lane.isolate.isDisposed || lane.memoryLimit !== memoryLimit)) this.#disposeLane(lane);
    // Once per call: the background step does it, else the next call.
    if (lane.isolate !== undefined && !lane.heapChecked && this.#heapNearLimit(lane)) this.#disposeLane(lane);
    lane.heapChecked = true;
    if (lane.isolate === undefined) {
      // No `onCatastrophicError`: ivm runs that handler on this thread's event loop and parks the
      // failing thread, so an OOM while this thread is inside the isolate (module code, a run)
      // would hang the worker until the host watchdog. Without it ivm prints the heap figures to
      // stderr and aborts (SIGABRT) on any thread.
      lane.isolate = new ivm.Isolate({ memoryLimit });
      lane.memoryLimit = memoryLimit;
      lane.calls = 0;
    }
    return lane.isolate;
  }

  /** A warm isolate whose heap is half full is replaced before a tool's allocation fails on leftovers. */
  #heapNearLimit(lane: Lane): boolean {
    const isolate = lane.isolate as ivm.Isolate;
    if (isolate.isDisposed) return true;
    const { used_heap_size: used, externally_allocated_size: external } = isolate.getHeapStatisticsSync();
    return used + external > (lane.memoryLimit * 1024 * 1024) / 2;
  }

  #disposeLane(lane: Lane): void {
    const isolate = lane.isolate;
    lane.isolate = undefined;
    // A spare context goes with its isolate.
    lane.spare = undefined;
    lane.heapChecked = true;
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
    return { ok, cpuNs: cpuNs.toString(), rss: this.#rss, ...rest };
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
