/**
 * One authentication path for WebSocket handshakes and HTTP requests: lockout check, the
 * remote password-check budget, the `authenticate` hook (first verdict wins), then the outcome
 * recorded with the limiter. The limiter sits around the whole hook, so every credential kind
 * a plugin adds is throttled too, mixed credentials included (PR #57647's regression cannot
 * happen here).
 *
 * What is counted, and under which key:
 * - The key is the client's *source* (client-address.ts): its address, all of loopback as one,
 *   IPv6 by /64. Never the `Origin` header: any non-browser client can write any origin, so a
 *   key shared through it would let one source lock out every browser user.
 * - On loopback, a browser (Origin header) has its own key beside the local CLI's, so a
 *   hostile page in the owner's browser locks itself out, not the CLI.
 * - Remote sources share a budget of password checks per minute (the limiter's
 *   `auth.remoteChecksPerMinute`), so guessing from rotating addresses is slowed. Only
 *   guessable secrets draw on it: a password, or a token shorter than 32 characters (a
 *   generated token is 43 random base64url characters and cannot be guessed). Loopback never
 *   draws on it (a remote flood cannot lock the owner out locally), nor do sources that
 *   authenticated within the last day (known-sources.ts, persisted and shared via the
 *   limiter when it can). While it is spent, a source still gets its FIRST check of each
 *   window (OVER_BUDGET_WINDOW_MS): a correct password from a fresh address is never kept out
 *   for long, and each source gets at most one check per minute over budget on top of its
 *   own lockout.
 * - A request with no credential at all verifies no secret and counts nowhere: a scraper
 *   without a token gets 401, not a lockout of its address.
 */
import type { AuthRequest, Scope } from '../../sdk/core/index.ts';
import { LRUCache } from 'lru-cache';
import { KNOWN_SOURCE_TTL_MS } from './known-sources.ts';
import { wireError, type WireError, isScope, scopeRank } from '../../sdk/protocol/index.ts';
import type { Runtime } from './runtime.ts';

export type AuthOutcome = { ok: true; rank: number; subject: string | undefined } | { ok: false; error: WireError; status: number };

export interface AuthAttempt {
  transport: 'ws' | 'http';
  ip: string;
  /** The client's source (client-address.ts sourceKey). */
  source: string;
  local: boolean;
  origin: string | undefined;
  credential: { password?: unknown; token?: unknown };
}

const FULL_RANK = scopeRank(['admin']);
/** A token this long is a random secret (auth-token generates 43 characters); shorter ones are charged like passwords. */
export const UNGUESSABLE_TOKEN_LENGTH = 32;
/** While the budget is spent, each source gets one check per this window. */
export const OVER_BUDGET_WINDOW_MS = 60_000;
/** Sources that used their over-budget check in the current window (bounded: oldest out). */
const overBudgetChecks = new WeakMap<Runtime, LRUCache<string, true>>();
/** While the remote budget is spent every remote attempt is refused: one warning per interval, not one per attempt. */
const BUDGET_LOG_INTERVAL_MS = 10_000;
const budgetRefusals = new WeakMap<Runtime, { loggedAt: number; refused: number }>();
const GENERIC_FAILURE = 'authentication failed';

/** The lockout key of an attempt: its source; on loopback a browser gets a key of its own. */
export function limiterKey(attempt: Pick<AuthAttempt, 'source' | 'local' | 'origin'>): string {
  if (attempt.local && attempt.origin !== undefined) return 'src:loopback-browser';
  return `src:${attempt.source}`;
}

function rateLimited(message: string, retryAfterMs: number, limit: 'source' | 'remote-budget'): AuthOutcome {
  return { ok: false, status: 429, error: wireError('AUTH_RATE_LIMITED', message, { retryAfterMs, details: { limit } }) };
}

export async function authenticate(runtime: Runtime, attempt: AuthAttempt): Promise<AuthOutcome> {
  // Only reachable on a loopback bind (start refuses otherwise).
  if (runtime.settings.authMode === 'none') return { ok: true, rank: FULL_RANK, subject: 'anonymous' };
  if (!runtime.authConfigured) {
    return { ok: false, status: 503, error: wireError('AUTH_NOT_CONFIGURED', 'gateway auth is not configured (no auth plugin is loaded)') };
  }
  const credential = {
    ...(typeof attempt.credential.password === 'string' ? { password: attempt.credential.password } : {}),
    ...(typeof attempt.credential.token === 'string' ? { token: attempt.credential.token } : {}),
  };
  const presented = credential.password !== undefined || credential.token !== undefined;
  const key = limiterKey(attempt);
  const keys = [key];
  if (presented) {
    const gate = await runtime.limiter.checkAuth(keys);
    if (!gate.allowed) return rateLimited('too many failed authentication attempts; try again later', gate.retryAfterMs, 'source');
    if (!attempt.local && guessable(credential) && !(await isKnown(runtime, key))) {
      const budget = await runtime.limiter.takeRemoteAuthCheck();
      if (!budget.allowed && !takeOverBudgetCheck(runtime, key)) {
        logBudgetRefusal(runtime, attempt);
        return rateLimited('too many authentication attempts from remote addresses; try again later', budget.retryAfterMs, 'remote-budget');
      }
    }
  }
  const request: AuthRequest = {
    transport: attempt.transport,
    remoteAddress: attempt.ip,
    ...(attempt.origin !== undefined ? { origin: attempt.origin } : {}),
    credential,
  };
  let granted: Scope[] | undefined;
  let subject: string | undefined;
  try {
    const verdict = await runtime.hooks.authenticate.promise(request);
    if (verdict?.ok === true) {
      // Least privilege: a verdict without scopes grants read only; unknown strings grant nothing.
      granted = (verdict.scopes ?? ['read']).filter(isScope);
      subject = verdict.subject;
    }
  } catch (error) {
    runtime.log.error({ err: error, transport: attempt.transport, ip: attempt.ip }, 'an authenticate tap failed; treating the attempt as failed');
  }
  if (granted !== undefined && granted.length > 0) {
    if (presented) {
      await runtime.limiter.recordAuthSuccess(keys);
      if (!attempt.local) {
        runtime.knownSources.add(key);
        await runtime.limiter.rememberSource?.(key, KNOWN_SOURCE_TTL_MS);
      }
    }
    return { ok: true, rank: scopeRank(granted), subject };
  }
  if (!presented) return { ok: false, status: 401, error: wireError('UNAUTHORIZED', GENERIC_FAILURE) };
  const after = await runtime.limiter.recordAuthFailure(keys);
  runtime.log.warn(
    { transport: attempt.transport, ip: attempt.ip, source: key, ...(attempt.origin !== undefined ? { origin: attempt.origin } : {}), remaining: after.remaining, locked: !after.allowed },
    'gateway authentication failed',
  );
  return { ok: false, status: 401, error: wireError('UNAUTHORIZED', GENERIC_FAILURE) };
}

/** A password, or a token short enough to be guessed. */
function guessable(credential: { password?: string; token?: string }): boolean {
  return credential.password !== undefined || (credential.token !== undefined && credential.token.length < UNGUESSABLE_TOKEN_LENGTH);
}

async function isKnown(runtime: Runtime, key: string): Promise<boolean> {
  return runtime.knownSources.has(key) || ((await runtime.limiter.isKnownSource?.(key)) ?? false);
}

/** The source's one check of this window while the budget is spent; false once it was used. */
function takeOverBudgetCheck(runtime: Runtime, key: string): boolean {
  let used = overBudgetChecks.get(runtime);
  if (used === undefined) overBudgetChecks.set(runtime, (used = new LRUCache({ max: 10_000, ttl: OVER_BUDGET_WINDOW_MS })));
  if (used.has(key)) return false;
  used.set(key, true);
  return true;
}

function logBudgetRefusal(runtime: Runtime, attempt: AuthAttempt): void {
  let state = budgetRefusals.get(runtime);
  if (state === undefined) budgetRefusals.set(runtime, (state = { loggedAt: 0, refused: 0 }));
  state.refused++;
  const now = Date.now();
  if (now - state.loggedAt < BUDGET_LOG_INTERVAL_MS) return;
  state.loggedAt = now;
  runtime.log.warn(
    { transport: attempt.transport, ip: attempt.ip, refusedSinceStart: state.refused },
    'gateway authentication refused unchecked: the remote password-check budget (rate-limit auth.remoteChecksPerMinute) is spent; many remote sources are failing to authenticate',
  );
}
