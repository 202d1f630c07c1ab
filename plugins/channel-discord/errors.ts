/**
 * Discord failures → token-free errors for logs and `channels.status`, and → the
 * `ChannelSendError` the channels service retries (429, 5xx, network) or gives up on (400,
 * 401, 403, 404). The token travels in the Authorization header and the IDENTIFY payload, never
 * in a URL, but a proxy's error page or a cause chain could still echo it: every message made
 * here passes through `redactToken`, and raw errors are never kept as `cause`.
 */
import { causeText, ChannelSendError } from '../../sdk/channels/index.ts';

/** Replaces the token (and anything shaped like a Discord bot token) in `text`. */
export function redactToken(text: string, token: string): string {
  let out = token.length > 0 ? text.split(token).join('[REDACTED]') : text;
  out = out.replace(/[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}/g, '[REDACTED]');
  return out;
}

/** A REST call that Discord (or the network) refused. `message` is token-free. */
export class DiscordApiError extends Error {
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly retryable: boolean;
  constructor(message: string, options: { status?: number; retryAfterMs?: number; retryable: boolean }) {
    super(message);
    this.name = 'DiscordApiError';
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.retryable = options.retryable;
  }
}

/** A gateway close Discord says not to retry (4004 bad token, 4014 intents not enabled...). */
export class DiscordFatalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DiscordFatalError';
  }
}

/** Any thrown thing → a plain token-free Error (safe for logs and status). */
export function safeError(error: unknown, token: string): Error & { status?: number } {
  if (error instanceof DiscordApiError) {
    const safe = new Error(redactToken(error.message, token));
    return error.status === undefined ? safe : Object.assign(safe, { status: error.status });
  }
  if (error instanceof DiscordFatalError) return new Error(redactToken(error.message, token));
  return new Error(redactToken(`Discord request failed: ${causeText(error)}`, token));
}

export function toSendError(error: unknown, token: string): ChannelSendError {
  if (error instanceof DiscordApiError) {
    return new ChannelSendError(redactToken(error.message, token), {
      retryable: error.retryable,
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    });
  }
  return new ChannelSendError(safeError(error, token).message, { retryable: true });
}
