/**
 * The frames of the WebSocket protocol (DESIGN §5), as types: what a client sends (`req`), what
 * the gateway answers (`res`) or pushes (`event`), and the `connect` / `hello-ok` handshake.
 * schemas.ts holds the same contract as JSON Schema for clients in other languages.
 */
import type { WireError } from './error-codes.ts';
import type { Scope } from './scopes.ts';

/** Version 1: frames of DESIGN §5, connect without a challenge round trip. */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_PROTOCOLS: readonly number[] = Object.freeze([PROTOCOL_VERSION]);

/** Method names: letters, digits, `.`, `_`, `-`, starting with a letter; at most 64 characters. */
export const METHOD_PATTERN = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

export type RequestId = string | number;

/** Client → gateway. The first request on a connection must be `connect`. */
export interface RequestFrame {
  type: 'req';
  id: RequestId;
  method: string;
  params?: unknown;
  /** Write/admin methods with side effects run once per key (per credential and method). */
  idempotencyKey?: string;
  /** W3C trace context. */
  traceparent?: string;
}

export interface OkResponseFrame<Payload = unknown> {
  type: 'res';
  id: RequestId;
  ok: true;
  payload?: Payload;
}

export interface ErrorResponseFrame {
  type: 'res';
  /** Null when the request was too broken to read its id. */
  id: RequestId | null;
  ok: false;
  error: WireError;
}

export type ResponseFrame<Payload = unknown> = OkResponseFrame<Payload> | ErrorResponseFrame;

/** Gateway → client, unasked. A gap in `seq` means events were missed (they are not replayed). */
export interface EventFrame<Payload = unknown> {
  type: 'event';
  event: string;
  payload?: Payload;
  seq: number;
}

export type ServerFrame = ResponseFrame | EventFrame;

/** Params of `connect`. */
export interface ConnectParams {
  minProtocol: number;
  maxProtocol: number;
  client: { id: string; version: string; platform?: string };
  auth: { password?: string; token?: string };
  /** Ask for fewer scopes than the credential grants (never more). */
  scopes?: Scope[];
}

/** Payload of the successful answer to `connect`. */
export interface HelloOk {
  type: 'hello-ok';
  protocol: number;
  server: { version: string; connId: string };
  /** Every scope granted, lowest first. */
  scopes: readonly Scope[];
  /** The methods this client's scopes allow, sorted. */
  methods: readonly string[];
  policy: {
    maxPayload: number;
    maxBufferedBytes: number;
    heartbeatIntervalMs: number;
    requestTimeoutMs: number;
    maxInflight: number;
    rateLimit: { enabled: boolean; requestsPerMinute: number; burstSize: number };
  };
}
