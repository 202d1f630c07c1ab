/**
 * One authentication path for WebSocket handshakes and HTTP requests: lockout check, the
 * `authenticate` hook (first verdict wins), then the outcome recorded with the limiter. The
 * limiter sits around the whole hook, so every credential kind a plugin adds is throttled too,
 * mixed credentials included (PR #57647's regression cannot happen here). A browser (Origin
 * header) is keyed by its origin even on loopback; the IP key is skipped for a local browser
 * so a hostile page cannot lock the local CLI out.
 */
import type { AuthRequest, Scope } from '../../core/hook-types.ts';
import { wireError, type WireError } from './error-codes.ts';
import type { Runtime } from './runtime.ts';
import { isScope, scopeRank } from './scopes.ts';

export type AuthOutcome = { ok: true; rank: number; subject: string | undefined } | { ok: false; error: WireError; status: number };

export interface AuthAttempt {
  transport: 'ws' | 'http';
  ip: string;
  local: boolean;
  origin: string | undefined;
  credential: { password?: unknown; token?: unknown };
}

const FULL_RANK = scopeRank(['admin']);
const GENERIC_FAILURE = 'authentication failed';

export function limiterKeys(attempt: Pick<AuthAttempt, 'ip' | 'local' | 'origin'>): string[] {
  if (attempt.origin === undefined) return [`ip:${attempt.ip}`];
  return attempt.local ? [`origin:${attempt.origin}`] : [`ip:${attempt.ip}`, `origin:${attempt.origin}`];
}

export async function authenticate(runtime: Runtime, attempt: AuthAttempt): Promise<AuthOutcome> {
  // Only reachable on a loopback bind (start refuses otherwise).
  if (runtime.settings.authMode === 'none') return { ok: true, rank: FULL_RANK, subject: 'anonymous' };
  const keys = limiterKeys(attempt);
  const gate = await runtime.limiter.checkAuth(keys);
  if (!gate.allowed) {
    return {
      ok: false,
      status: 429,
      error: wireError('AUTH_RATE_LIMITED', 'too many failed authentication attempts; try again later', { retryAfterMs: gate.retryAfterMs }),
    };
  }
  if (!runtime.authConfigured) {
    return { ok: false, status: 503, error: wireError('AUTH_NOT_CONFIGURED', 'gateway auth is not configured (no auth plugin is loaded)') };
  }
  const request: AuthRequest = {
    transport: attempt.transport,
    remoteAddress: attempt.ip,
    ...(attempt.origin !== undefined ? { origin: attempt.origin } : {}),
    credential: {
      ...(typeof attempt.credential.password === 'string' ? { password: attempt.credential.password } : {}),
      ...(typeof attempt.credential.token === 'string' ? { token: attempt.credential.token } : {}),
    },
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
    await runtime.limiter.recordAuthSuccess(keys);
    return { ok: true, rank: scopeRank(granted), subject };
  }
  const after = await runtime.limiter.recordAuthFailure(keys);
  runtime.log.warn(
    { transport: attempt.transport, ip: attempt.ip, ...(attempt.origin !== undefined ? { origin: attempt.origin } : {}), remaining: after.remaining, locked: !after.allowed },
    'gateway authentication failed',
  );
  return { ok: false, status: 401, error: wireError('UNAUTHORIZED', GENERIC_FAILURE) };
}
