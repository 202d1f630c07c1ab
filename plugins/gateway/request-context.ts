/**
 * What a method handler gets as `RpcContext`, plus the gateway's bookkeeping for the request.
 * The AbortController is created only when a handler reads `signal` (most never do), and the
 * timeout is a deadline checked by one sweeper timer, not a timer per request: both are
 * per-request costs on the hot path.
 */
import type { ConnectionInfo, RpcContext } from '../../sdk/core/index.ts';

export class RequestContext implements RpcContext {
  readonly connection: ConnectionInfo;
  readonly idempotencyKey?: string;
  readonly deadline: number;
  #controller: AbortController | undefined;
  #abortReason: string | undefined;
  /** Called by abort(): settles the request with TIMEOUT/UNAVAILABLE if it has not settled. */
  onAbort: ((reason: string) => void) | undefined;

  constructor(connection: ConnectionInfo, deadline: number, idempotencyKey: string | undefined) {
    this.connection = connection;
    this.deadline = deadline;
    if (idempotencyKey !== undefined) this.idempotencyKey = idempotencyKey;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#abortReason !== undefined) this.#controller.abort(new Error(this.#abortReason));
    }
    return this.#controller.signal;
  }

  get aborted(): boolean {
    return this.#abortReason !== undefined;
  }

  abort(reason: string): void {
    if (this.#abortReason !== undefined) return;
    this.#abortReason = reason;
    this.#controller?.abort(new Error(reason));
    this.onAbort?.(reason);
  }
}

/**
 * Request deadlines. Every request gets the same timeout, so insertion order is deadline
 * order: the sweep stops at the first request still in time.
 */
export class Deadlines {
  readonly #pending = new Set<RequestContext>();
  readonly #resolutionMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number) {
    this.#resolutionMs = Math.min(250, Math.max(5, Math.floor(timeoutMs / 4)));
  }

  add(request: RequestContext): void {
    this.#pending.add(request);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.sweep(Date.now()), this.#resolutionMs);
      this.#timer.unref();
    }
  }

  delete(request: RequestContext): void {
    this.#pending.delete(request);
  }

  /** The timer stops here, once idle, rather than in delete(): serial traffic keeps one timer. */
  sweep(now: number): void {
    for (const request of this.#pending) {
      if (request.deadline > now) break;
      this.#pending.delete(request);
      request.abort('request timeout');
    }
    if (this.#pending.size === 0) this.stop();
  }

  get size(): number {
    return this.#pending.size;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * Requests in flight, gateway-wide. Close waits for them through one `ctx.track(idle())`
 * taken when closing starts, rather than a kernel track() per request on the hot path.
 */
export class InflightCounter {
  #count = 0;
  #begun = 0;
  #waiters: (() => void)[] = [];

  get count(): number {
    return this.#count;
  }

  /** Requests begun since start. */
  get begun(): number {
    return this.#begun;
  }

  begin(): void {
    this.#count++;
    this.#begun++;
  }

  end(): void {
    this.#count--;
    if (this.#count === 0) for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves once nothing is in flight. */
  idle(): Promise<void> {
    return this.#count === 0 ? Promise.resolve() : new Promise((resolve) => this.#waiters.push(resolve));
  }
}
