/**
 * Errors of a run, with a wire code clients branch on (the RPC layer sends it as the response
 * error code). Kept here rather than in core/errors.ts: they describe a run's outcome, not a
 * misconfigured kernel.
 */

export type AgentErrorCode =
  /** Queue full: `agents.maxConcurrentRuns` running and `agents.maxQueuedRuns` waiting. */
  | 'BUSY'
  /** Every model of the chain failed or is cooling down; retryAfterMs = earliest retry. */
  | 'MODELS_UNAVAILABLE'
  /** The run took longer than agent.requestTimeout. */
  | 'TIMEOUT'
  | 'ABORTED'
  /** The prompt exceeds the model's context even after compaction. */
  | 'CONTEXT_TOO_LONG'
  /** More tool rounds than agent.maxToolIterations. */
  | 'TOOL_LOOP_LIMIT'
  | 'INVALID_SESSION_KEY'
  | 'NOT_FOUND';

export class AgentError extends Error {
  override name = 'AgentError';
  readonly code: AgentErrorCode;
  readonly retryAfterMs?: number;
  readonly details?: Record<string, unknown>;

  constructor(code: AgentErrorCode, message: string, extra: { retryAfterMs?: number; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.code = code;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
    if (extra.details !== undefined) this.details = extra.details;
  }
}
