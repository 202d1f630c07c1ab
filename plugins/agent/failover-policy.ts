/**
 * What a failed model call leads to: the table, as data. `failover.ts` executes it;
 * the README prints it; a test walks every row through a real run.
 */
import type { ModelErrorClass } from '../../sdk/agent/index.ts';

export type FailoverAction =
  /** Honour Retry-After as this model's cooldown (default cooldown without one), try the next model. */
  | 'cooldown-next'
  /** One retry of the same model after a jittered delay, then the next model. */
  | 'retry-once-next'
  /** Disable the provider's credential until reset (`models.reset`), try the next model. */
  | 'disable-credential-next'
  /** Summarize older turns and call the same model again; never a failover. */
  | 'compact-retry'
  /** The caller gave up: stop, no failover. */
  | 'stop'
  /** Another model might work (this one is not configured or refused the request): next model. */
  | 'next';

export interface PolicyRow {
  action: FailoverAction;
  /** Shown in README and traces. */
  when: string;
}

export const FAILOVER_POLICY: Readonly<Record<ModelErrorClass, PolicyRow>> = Object.freeze({
  rate_limit: { action: 'cooldown-next', when: 'HTTP 429' },
  overloaded: { action: 'retry-once-next', when: 'HTTP 500/502/503/504/529, connection reset, truncated stream' },
  timeout: { action: 'retry-once-next', when: 'per-attempt timeout (agent.attemptTimeout) or HTTP 408' },
  auth: { action: 'disable-credential-next', when: 'HTTP 401/403' },
  context_length: { action: 'compact-retry', when: 'the provider says the prompt exceeds the context window' },
  aborted: { action: 'stop', when: 'client abort (chat.abort, closed connection, shutdown)' },
  bad_request: { action: 'next', when: 'other HTTP 4xx' },
  not_configured: { action: 'next', when: 'no API key / no provider plugin for the model / the endpoint answers with a redirect (never followed)' },
});

/** Delay before the single retry: base ± 50 %, so many runs do not retry in lockstep. */
export function jitteredDelay(baseMs: number, random: () => number = Math.random): number {
  return Math.round(baseMs * (0.5 + random()));
}
