/**
 * Matrix API failures → errors safe to log and to show in `channels.status`, and → the
 * `ChannelSendError` the channels service retries or gives up on. The token is never put in a
 * URL by the client, but a proxy's or homeserver's error text could echo a header, so every
 * message made here passes through `redactToken`, and the raw error is never kept as `cause`.
 */
import { ChannelSendError } from '../../sdk/channels/index.ts';
import { MatrixApiError } from './client.ts';

export function redactToken(text: string, token: string): string {
  let out = token.length > 0 ? text.split(token).join('[REDACTED]') : text;
  // Synapse tokens (syt_<base64 user>_<random>_<crc>) and the older MDAx... macaroons.
  out = out.replace(/\bsyt_[A-Za-z0-9_]{10,}\b/g, '[REDACTED]').replace(/\bMDAx[A-Za-z0-9+/=_-]{20,}/g, '[REDACTED]');
  return out;
}

export interface ApiFailure {
  status: number | undefined;
  errcode: string | undefined;
  retryAfterMs: number | undefined;
  retryable: boolean;
  /** One line, token-free. */
  message: string;
}

export function describeFailure(error: unknown, token: string): ApiFailure {
  if (error instanceof MatrixApiError) {
    const { status, errcode } = error;
    const hint = errcode === 'M_UNKNOWN_TOKEN' || status === 401
      ? ' (the access token was revoked or is wrong: log the bot in again and update channels.matrix.accessToken)'
      : '';
    return {
      status,
      errcode,
      retryAfterMs: error.retryAfterMs,
      retryable: status === undefined || status === 429 || status >= 500,
      message: redactToken(`${error.message}${hint}`, token),
    };
  }
  return { status: undefined, errcode: undefined, retryAfterMs: undefined, retryable: true, message: redactToken(`Matrix request failed: ${(error as Error)?.message ?? String(error)}`, token) };
}

export function safeError(error: unknown, token: string): Error & { status?: number } {
  const failure = describeFailure(error, token);
  return Object.assign(new Error(failure.message), failure.status === undefined ? {} : { status: failure.status });
}

/** For `send`: 429 (with its wait), 5xx and network errors are retryable; 400/401/403/404 are not. */
export function toSendError(error: unknown, token: string): ChannelSendError {
  const failure = describeFailure(error, token);
  return new ChannelSendError(failure.message, {
    retryable: failure.retryable,
    ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
  });
}
