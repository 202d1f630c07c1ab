/**
 * The gateway's wire catalogue: error codes in `res.error.code` and WebSocket close codes.
 * These are protocol, not kernel errors (core/errors.ts): clients branch on them, so a code
 * never changes meaning. plugins/gateway/README.md lists them; a test keeps the two in step.
 * A method may also answer with its plugin's own codes (declared with defineErrors and listed in
 * the method's `errors`): `RpcErrorCode` is open for them.
 */

export const RPC_ERRORS = Object.freeze({
  INVALID_REQUEST: 'The frame is not valid JSON, has the wrong shape, or its params fail the method\'s schema; `message` names the JSON path.',
  UNAUTHORIZED: 'Authentication failed, or a request came before `connect` succeeded. The same text for a missing and a wrong secret.',
  AUTH_NOT_CONFIGURED: 'The gateway has no authenticator for its auth mode (no auth plugin loaded); nothing can connect.',
  AUTH_RATE_LIMITED: 'Too many failed authentications from this source (address; loopback as one; IPv6 by /64), or the remote password-check budget is spent; retry after `retryAfterMs`, even with the right secret.',
  PROTOCOL_UNSUPPORTED: 'No protocol version in [minProtocol, maxProtocol] is spoken by this gateway; `details.supported` lists what is.',
  FORBIDDEN: 'The credential was not granted the method\'s scope; `details.requiredScope` says which.',
  METHOD_NOT_FOUND: 'No such method (or it is not available on this gateway); the method name is echoed.',
  RATE_LIMITED: 'Request rate over the limit for this connection or credential; retry after `retryAfterMs`.',
  BUSY: 'Too many requests in flight on this connection; retry after `retryAfterMs`.',
  LIMIT_EXCEEDED: 'A per-connection bound was reached (e.g. watched sessions); the message names the bound and what to release.',
  TIMEOUT: 'The method did not answer within gateway.requestTimeout; it was asked to stop (its signal aborted).',
  UNAVAILABLE: 'The gateway is shutting down or restarting, `gateway.maxConnections` authenticated clients are connected, or a store the method needs (Redis) is down (`details.code` MOLT_ERR_STORE_UNAVAILABLE, `details.component` names it); retry after `retryAfterMs`.',
  PLUGIN_ERROR: 'The method failed with a Moltbot error; `details.code` is its MOLT_ERR_* code.',
  INTERNAL: 'The method failed unexpectedly; the gateway log has the cause (never sent to clients).',
} as const);

export type RpcErrorCode = keyof typeof RPC_ERRORS | (string & {});

export const CLOSE_CODES = Object.freeze({
  /** Shutdown (SIGTERM, kernel.close()). */
  GOING_AWAY: 1001,
  /** Invalid UTF-8 in a text frame (sent by ws itself). */
  INVALID_PAYLOAD: 1007,
  /** Authentication failed or locked out, handshake timeout, first frame not `connect`, invalid-frame flood, credential rotated. */
  POLICY: 1008,
  /** Frame over the payload limit (sent by ws itself; the pre-auth limit is lower). */
  TOO_BIG: 1009,
  INTERNAL: 1011,
  /** Try again later: an idle pre-auth socket evicted to make room, or maxConnections reached at connect. */
  TRY_AGAIN: 1013,
  /** The gateway is restarting: reconnect. */
  RESTART: 1012,
} as const);
// A peer that misses a heartbeat or whose send buffer overflows is terminated without a close
// frame: clients see 1006.

/** A method handler throws this for a specific wire error. */
export class RpcError extends Error {
  override name = 'RpcError';
  readonly code: RpcErrorCode;
  readonly details?: Record<string, unknown>;
  readonly retryAfterMs?: number;

  constructor(code: RpcErrorCode, message: string, extra: { details?: Record<string, unknown>; retryAfterMs?: number } = {}) {
    super(message);
    this.code = code;
    if (extra.details !== undefined) this.details = extra.details;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
  }
}

export interface WireError {
  code: RpcErrorCode;
  message: string;
  details?: Record<string, unknown>;
  retryAfterMs?: number;
}

export function wireError(code: RpcErrorCode, message: string, extra: { details?: Record<string, unknown>; retryAfterMs?: number } = {}): WireError {
  const error: WireError = { code, message };
  if (extra.details !== undefined) error.details = extra.details;
  if (extra.retryAfterMs !== undefined) error.retryAfterMs = Math.max(1, Math.ceil(extra.retryAfterMs));
  return error;
}
