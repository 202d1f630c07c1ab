/**
 * Phase machine, timeouts and the LIFO close stack: the parts of the lifecycle that do not
 * depend on plugins.
 */
import { MoltbotError, type ErrorCode } from './errors.ts';

export type Phase = 'created' | 'registering' | 'starting' | 'ready' | 'closing' | 'closed' | 'failed';

export function assertPhase(current: Phase, allowed: readonly Phase[], method: string): void {
  if (!allowed.includes(current)) {
    throw new MoltbotError('MOLT_ERR_KERNEL_PHASE', {
      message: `kernel.${method}() is not allowed while the kernel is "${current}" (allowed: ${allowed.join(', ')})`,
    });
  }
}

/** Settles with `promise`, or rejects with `onTimeout()` after `ms`; the timer never outlives it. */
export function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  if (!Number.isFinite(ms) || ms <= 0) return promise;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function timeoutError(code: ErrorCode, plugin: string, what: string, ms: number, hook?: string): MoltbotError {
  return new MoltbotError(code, {
    message: `Plugin "${plugin}" did not finish ${what} within ${ms} ms`,
    plugin,
    ...(hook === undefined ? {} : { hook }),
  });
}

export interface CloseEntry {
  plugin: string;
  fn: () => unknown;
  timeoutMs: number;
}

/** onClose handlers run last-registered first, each under its own timeout; failures are collected. */
export class CloseStack {
  readonly #entries: CloseEntry[] = [];

  push(entry: CloseEntry): void {
    this.#entries.push(entry);
  }

  /** Runs after every handler pushed so far and later (LIFO: the bottom runs last). */
  pushBottom(entry: CloseEntry): void {
    this.#entries.unshift(entry);
  }

  get size(): number {
    return this.#entries.length;
  }

  async drain(): Promise<Error[]> {
    const errors: Error[] = [];
    while (this.#entries.length > 0) {
      const entry = this.#entries.pop() as CloseEntry;
      try {
        await withTimeout(
          Promise.resolve().then(entry.fn),
          entry.timeoutMs,
          () => timeoutError('MOLT_ERR_PLUGIN_TIMEOUT', entry.plugin, 'an onClose handler', entry.timeoutMs),
        );
      } catch (error) {
        errors.push(attributeCloseError(error, entry.plugin));
      }
    }
    return errors;
  }
}

function attributeCloseError(error: unknown, plugin: string): Error {
  if (error instanceof MoltbotError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new MoltbotError('MOLT_ERR_HOOK_FAILED', {
    message: `Plugin "${plugin}" failed while closing: ${message}`,
    plugin,
    hook: 'onClose',
    cause: error,
  });
}
