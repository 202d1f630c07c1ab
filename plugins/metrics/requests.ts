/**
 * RPC request and error counts, read from the kernel's `rpc` hooks: an interceptor on each
 * declared method's hook sees every call the gateway dispatches and every error it answers.
 * Requests refused before dispatch (rate limit, unknown method, scope) are not counted here.
 */
import type { KernelHooks } from '../../core/hooks.ts';
import { methodRegistry } from '../gateway/methods.ts';
import { SlidingCounter } from './window.ts';

interface Interceptable {
  intercept(interceptor: { call?: () => void; error?: () => void }): void;
}

export class RequestCounter {
  readonly requests: SlidingCounter;
  readonly errors: SlidingCounter;
  readonly #watched = new Set<string>();
  requestsTotal = 0;
  errorsTotal = 0;

  constructor(windowSeconds: number, now: () => number = Date.now) {
    this.requests = new SlidingCounter(windowSeconds, now);
    this.errors = new SlidingCounter(windowSeconds, now);
  }

  request(): void {
    this.requests.add();
    this.requestsTotal++;
  }

  error(): void {
    this.errors.add();
    this.errorsTotal++;
  }

  /** Watches every method declared so far; call again after late declarations (idempotent). */
  watch(hooks: KernelHooks): void {
    for (const method of methodRegistry(hooks).list()) {
      if (this.#watched.has(method.name)) continue;
      this.#watched.add(method.name);
      (hooks.rpc.for(method.name) as unknown as Interceptable).intercept({
        call: () => this.request(),
        error: () => this.error(),
      });
    }
  }

  rates(): { requestsPerSecond: number; errorRate: number } {
    const requests = this.requests.total();
    return {
      requestsPerSecond: requests / this.requests.seconds,
      errorRate: requests > 0 ? Math.min(1, this.errors.total() / requests) : 0,
    };
  }
}
