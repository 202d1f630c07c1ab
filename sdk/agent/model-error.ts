/**
 * The error a model API throws: an error class the failover policy understands, plus what the
 * provider said (HTTP status, Retry-After). Providers classify; the agent decides what to do.
 */
import { parseRetryAfter } from '../gateway/index.ts';

export type ModelErrorClass =
  | 'rate_limit'
  | 'overloaded'
  | 'timeout'
  | 'auth'
  | 'context_length'
  | 'aborted'
  | 'bad_request'
  | 'not_configured';

export class ModelCallError extends Error {
  override name = 'ModelCallError';
  readonly errorClass: ModelErrorClass;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(errorClass: ModelErrorClass, message: string, extra: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.errorClass = errorClass;
    if (extra.status !== undefined) this.status = extra.status;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
  }
}

const CONTEXT_PATTERNS = [/context[_ ]length/i, /prompt is too long/i, /maximum context/i, /too many tokens/i];

/** Classifies an HTTP error status + message the way both wire protocols report them. */
export function classifyStatus(status: number, message: string): ModelErrorClass {
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'overloaded';
  if ((status === 400 || status === 413) && CONTEXT_PATTERNS.some((pattern) => pattern.test(message))) return 'context_length';
  return 'bad_request';
}

/**
 * Maps an error thrown by `fetch` / postModelStream or by an official SDK client (`openai`,
 * `@anthropic-ai/sdk`: same error family, duck-typed so either works) to a ModelCallError.
 * `timedOut` says our per-attempt timer fired; `aborted` says the caller gave up.
 */
export function fromSdkError(error: unknown, state: { timedOut: boolean; aborted: boolean }): ModelCallError {
  if (error instanceof ModelCallError) return error;
  if (state.timedOut) return new ModelCallError('timeout', 'the model did not answer within the attempt timeout', { cause: error });
  if (state.aborted) return new ModelCallError('aborted', 'the run was aborted', { cause: error });
  const e = error as { name?: string; status?: unknown; headers?: { get(name: string): string | null }; message?: string };
  if (e?.name === 'APIConnectionTimeoutError') return new ModelCallError('timeout', 'the model did not answer in time', { cause: error });
  if (e?.name === 'APIUserAbortError') return new ModelCallError('aborted', 'the run was aborted', { cause: error });
  if (typeof e?.status === 'number') {
    const message = String(e.message ?? '');
    const retryAfterMs = parseRetryAfter(e.headers);
    return new ModelCallError(classifyStatus(e.status, message), `HTTP ${e.status}: ${message.slice(0, 300)}`, {
      status: e.status, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}), cause: error,
    });
  }
  // Connection refused/reset, a stream cut mid-way: the server side failed. fetch says only
  // "fetch failed" / "terminated"; the reason is its cause's code.
  const code = (error as { cause?: { code?: unknown } })?.cause?.code;
  const detail = `${String(e?.message ?? error)}${typeof code === 'string' ? ` (${code})` : ''}`;
  return new ModelCallError('overloaded', `connection failed: ${detail.slice(0, 300)}`, { cause: error });
}

/** One attempt's signal: the caller's plus a timer; `state` tells the two apart afterwards. */
export function attemptSignal(signal: AbortSignal, timeoutMs: number): { signal: AbortSignal; state: { timedOut: boolean; aborted: boolean }; dispose(): void } {
  const controller = new AbortController();
  const state = { timedOut: false, aborted: false };
  const onAbort = () => {
    state.aborted = true;
    controller.abort(signal.reason);
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => {
    state.timedOut = true;
    controller.abort(new Error('attempt timeout'));
  }, timeoutMs);
  timer.unref();
  return { signal: controller.signal, state, dispose: () => { clearTimeout(timer); signal.removeEventListener('abort', onAbort); } };
}
