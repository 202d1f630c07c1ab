/**
 * Bot API failures → errors safe to log and to show in `channels.status`, and → the
 * `ChannelSendError` the channels service retries or gives up on.
 *
 * grammy puts the bot token in every request URL. Its own error messages leave the URL out
 * (`sensitiveLogs` off), but a fetch failure's cause or a proxy's answer may carry it, so every
 * message made here passes through `redactToken`, and the raw error is never kept as `cause`.
 */
import { GrammyError, HttpError } from 'grammy';
import { causeText, ChannelSendError } from '../../sdk/channels/index.ts';

/** Replaces the token (and any bot-token-shaped string) in `text`. */
export function redactToken(text: string, token: string): string {
  let out = token.length > 0 ? text.split(token).join('[REDACTED]') : text;
  out = out.replace(/(?<!\d)\d{6,12}:[A-Za-z0-9_-]{30,}/g, '[REDACTED]');
  return out;
}

export interface ApiFailure {
  /** Telegram's `error_code` or the HTTP status; undefined for network failures. */
  status: number | undefined;
  retryAfterMs: number | undefined;
  /** One line, token-free: what failed and Telegram's description. */
  message: string;
  retryable: boolean;
}

/** Classifies any error a Bot API call threw. */
export function describeApiFailure(error: unknown, token: string): ApiFailure {
  if (error instanceof GrammyError) {
    const retryAfter = error.parameters.retry_after;
    const retryAfterMs = typeof retryAfter === 'number' ? retryAfter * 1000 : undefined;
    const status = error.error_code;
    // A group upgraded to a supergroup has a new id: say which, so allowlists can be updated.
    const migrated = error.parameters.migrate_to_chat_id;
    const hint = typeof migrated === 'number' ? ` (the chat is now ${migrated}: update groupAllowFrom)` : '';
    return {
      status,
      retryAfterMs,
      retryable: status === 429 || status >= 500,
      message: redactToken(`Telegram ${error.method} failed: ${status} ${error.description}${hint}`, token),
    };
  }
  if (error instanceof HttpError) {
    const inner = error.error as { status?: unknown } | undefined;
    const status = typeof inner?.status === 'number' ? inner.status : undefined;
    return { status, retryAfterMs: undefined, retryable: true, message: redactToken(`${error.message} ${causeText(error.error)}`.trim(), token) };
  }
  return { status: undefined, retryAfterMs: undefined, retryable: true, message: redactToken(`Telegram request failed: ${causeText(error)}`, token) };
}

/** A plain Error carrying only the redacted description (safe for logs and status). */
export function safeError(error: unknown, token: string): Error & { status?: number } {
  const failure = describeApiFailure(error, token);
  return Object.assign(new Error(failure.message), failure.status === undefined ? {} : { status: failure.status });
}

/** For `send`: 429 (with retry_after), 5xx and network errors are retryable; 400/401/403/404 are not. */
export function toSendError(error: unknown, token: string): ChannelSendError {
  const failure = describeApiFailure(error, token);
  return new ChannelSendError(failure.message, {
    retryable: failure.retryable,
    ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
  });
}
