/**
 * Web API failures → token-free errors for the log and `channels.status`, and → the
 * `ChannelSendError` the channels service retries or gives up on.
 *
 * Slack answers HTTP 200 with `{ ok: false, error }` for most failures; 429 with
 * `Retry-After` (seconds) for rate limits (the client is built with `rejectRateLimitedCalls`,
 * so it throws instead of sleeping, and the service's queue waits). Tokens travel in the
 * Authorization header, not the URL, but every message made here still passes `redact` (a
 * proxy's error page may echo a header), and the library's error objects are never kept.
 */
import { ChannelSendError } from '../../sdk/channels/index.ts';

/** Slack errors that mean the token itself is bad: nothing works until it is replaced. */
export const AUTH_ERRORS: ReadonlySet<string> = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'no_permission', 'org_login_required', 'ekm_access_denied', 'not_allowed_token_type']);
/** Slack errors worth retrying. */
const TEMPORARY_ERRORS: ReadonlySet<string> = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Replaces the given tokens and any Slack-token-shaped string in `text`. */
export function redactTokens(text: string, tokens: readonly (string | undefined)[]): string {
  let out = text;
  for (const token of tokens) if (token) out = out.split(token).join('[REDACTED]');
  return out.replace(/\bxox[abpres]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+/g, '[REDACTED]');
}

export interface ApiFailure {
  /** Slack's `error` code, `http_<status>`, `ratelimited` or `network`. */
  code: string;
  retryable: boolean;
  retryAfterMs?: number;
  /** The token is bad (revoked, wrong, wrong type). */
  auth: boolean;
  /** One line, token-free. */
  message: string;
}

const HINTS: Record<string, string> = {
  invalid_auth: 'the token is wrong or was revoked',
  token_revoked: 'the token was revoked',
  not_authed: 'no token was sent',
  account_inactive: 'the app was uninstalled or its user deactivated',
  not_allowed_token_type: 'wrong kind of token (botToken must be xoxb-…, appToken xapp-…)',
  missing_scope: 'the token lacks a scope the call needs (see the app\'s OAuth & Permissions page)',
  channel_not_found: 'the bot cannot see that channel (invite it, or check the id)',
  not_in_channel: 'the bot is not a member of that channel (invite it with /invite @bot)',
};

/** Classifies whatever the Web API client threw (WebAPIPlatformError, RateLimited, HTTP, Request errors). */
export function describeFailure(error: unknown, method: string, tokens: readonly (string | undefined)[]): ApiFailure {
  const e = error as { code?: string; data?: { error?: unknown; needed?: unknown }; retryAfter?: unknown; statusCode?: unknown; message?: unknown; name?: unknown } | undefined;
  let code = 'network';
  let retryable = true;
  let retryAfterMs: number | undefined;
  let detail = '';
  switch (e?.code) {
    case 'slack_webapi_platform_error': {
      code = typeof e.data?.error === 'string' ? e.data.error : 'unknown_error';
      retryable = TEMPORARY_ERRORS.has(code);
      if (code === 'missing_scope' && typeof e.data?.needed === 'string') detail = ` (needs ${e.data.needed})`;
      break;
    }
    case 'slack_webapi_rate_limited_error':
      code = 'ratelimited';
      retryAfterMs = typeof e.retryAfter === 'number' && Number.isFinite(e.retryAfter) ? Math.max(0, e.retryAfter) * 1000 : undefined;
      break;
    case 'slack_webapi_http_error': {
      const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
      code = `http_${status}`;
      retryable = status === 408 || status === 429 || status >= 500;
      break;
    }
    default:
      // Network failures, timeouts (WebAPIRequestError wraps them), anything unexpected.
      detail = typeof e?.message === 'string' ? `: ${e.message.replace(/^A request error occurred: /, '')}` : '';
  }
  const hint = HINTS[code];
  const message = redactTokens(`Slack ${method} failed: ${code}${detail}${hint ? ` (${hint})` : ''}`, tokens);
  return { code, retryable, auth: AUTH_ERRORS.has(code), message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

export function toSendError(failure: ApiFailure): ChannelSendError {
  return new ChannelSendError(failure.message, { retryable: failure.retryable, ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }) });
}
