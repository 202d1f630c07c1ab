/**
 * Incoming frames. The first frame must be `connect`; anything else is answered and the
 * connection closed. Requests a client sends after `connect` without waiting for `hello-ok`
 * (pipelined: the first answer then costs one round trip less) are held, at most
 * `maxPreAuthPayload` bytes and `maxInflight` frames of them, and handled once `hello-ok` is
 * sent, in order, as if they had arrived after it; a refused `connect` drops them with the
 * connection. After `hello-ok`, every request goes through the same
 * gates in this order: shutdown, request rate (per connection and per credential), in-flight
 * cap, method lookup, scope, params schema, idempotency; then the method's `rpc` tap runs
 * under the request deadline and its result or error becomes the response. Bad frames never
 * throw; an authenticated client gets an error frame and survives until it has sent
 * `maxInvalidFrames` of them.
 *
 * The gates after the frame is parsed (`dispatch`) serve every caller alike: a WebSocket
 * connection and an in-process client (in-process.ts, what `GatewayService.call` uses) pass the
 * same checks in the same code, only the way the answer travels differs.
 */
import { isMoltbotError, type MoltbotError } from '../../sdk/core/index.ts';
import { CLOSE_CODES, RpcError, wireError, type WireError, allows } from '../../sdk/protocol/index.ts';
import type { ConnectionInfo } from '../../sdk/core/index.ts';
import type { Connection, ConnectionState } from './connection.ts';
import { parseFrame, type RequestFrame } from './frames.ts';
import { handleConnect } from './handshake.ts';
import type { Outcome } from './idempotency.ts';
import type { RequestDecision } from '../../sdk/rate-limit/index.ts';
import { hasTaps, type MethodInfo } from '../../sdk/gateway/index.ts';
import { describeSchemaError } from './protocol.ts';
import { RequestContext } from './request-context.ts';
import type { Runtime } from './runtime.ts';

export function handleMessage(runtime: Runtime, connection: Connection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
  if (connection.state === 'closed') return;
  if (connection.early !== undefined) return holdEarly(runtime, connection, data, isBinary);
  // Every frame of an authenticated client counts, refused ones (rate limit, scope, unknown method) too.
  if (connection.state === 'open') runtime.traffic.requests++;
  if (isBinary) return invalidFrame(runtime, connection, null, wireError('INVALID_REQUEST', 'binary frames are not supported; send JSON text frames'));
  const parsed = parseFrame(textOf(data), runtime.settings.maxJsonDepth);
  if (!parsed.ok) return invalidFrame(runtime, connection, parsed.id, parsed.error);
  const frame = parsed.frame;
  switch (connection.state) {
    case 'open':
      if (frame.method === 'connect') return invalidFrame(runtime, connection, frame.id, wireError('INVALID_REQUEST', 'already connected'));
      dispatch(runtime, connection, frame, (outcome) => reply(connection, frame, outcome));
      return;
    case 'handshake':
      if (frame.method !== 'connect') {
        connection.fail(frame.id, wireError('UNAUTHORIZED', 'the first request must be "connect"'));
        connection.close(CLOSE_CODES.POLICY, 'first request must be connect');
        return;
      }
      connection.early = { frames: [], bytes: 0 };
      void runtime.track(handleConnect(runtime, connection, frame).then(() => releaseEarly(runtime, connection))).catch((error: unknown) => {
        runtime.log.error({ err: error, connId: connection.id }, 'gateway handshake failed unexpectedly');
        connection.close(CLOSE_CODES.INTERNAL, 'internal error');
      });
  }
}

/** A frame sent after `connect`, before `hello-ok` went out: kept for releaseEarly, bounded. */
function holdEarly(runtime: Runtime, connection: Connection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
  const early = connection.early!;
  early.bytes += byteLengthOf(data);
  if (early.bytes > runtime.settings.maxPreAuthPayload || early.frames.length >= runtime.settings.maxInflight) {
    connection.early = undefined;
    connection.fail(null, wireError('INVALID_REQUEST', `more than ${runtime.settings.maxPreAuthPayload} bytes or ${runtime.settings.maxInflight} requests sent between connect and hello-ok (the gateway plugin's maxPreAuthPayload and maxInflight options); wait for hello-ok`));
    connection.close(CLOSE_CODES.POLICY, 'too much sent before connect completed');
    return;
  }
  early.frames.push({ data, isBinary });
}

/** After the handshake: held frames are handled as if they arrived now (none if it was refused). */
function releaseEarly(runtime: Runtime, connection: Connection): void {
  const early = connection.early;
  connection.early = undefined;
  if (early === undefined || connection.state !== 'open') return;
  for (const { data, isBinary } of early.frames) handleMessage(runtime, connection, data, isBinary);
}

function byteLengthOf(data: Buffer | ArrayBuffer | Buffer[]): number {
  if (Array.isArray(data)) return data.reduce((sum, part) => sum + part.length, 0);
  return data.byteLength;
}

function textOf(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Before auth one bad frame ends the connection; after it, `maxInvalidFrames` do. */
function invalidFrame(runtime: Runtime, connection: Connection, id: RequestFrame['id'] | null, error: WireError): void {
  connection.fail(id, error);
  if (connection.state !== 'open') {
    connection.close(CLOSE_CODES.POLICY, 'invalid frame before connect');
    return;
  }
  connection.invalidFrames++;
  if (connection.invalidFrames >= runtime.settings.maxInvalidFrames) {
    runtime.log.warn({ connId: connection.id, ip: connection.ip, invalidFrames: connection.invalidFrames }, 'closing a connection that keeps sending invalid frames');
    connection.close(CLOSE_CODES.POLICY, 'too many invalid frames');
  }
}

/** Where a request comes from: a WebSocket `Connection` or an in-process client (in-process.ts). */
export interface Caller {
  readonly id: string;
  readonly state: ConnectionState;
  /** Highest scope rank the server granted (never what the caller asked for). */
  readonly rank: number;
  /** What method handlers see as `RpcContext.connection`; set once the caller is open. */
  readonly info: ConnectionInfo | undefined;
  readonly bucketKey: string;
  readonly credentialKey: string;
  /** Requests running for this caller (aborted when it closes); created on the first one. */
  inflight: Set<RequestContext> | undefined;
  /** An event addressed to this caller (`gateway.sendTo`); false when it is gone. */
  sendEvent(event: string, payload: unknown): boolean;
}

/** One request, whatever carried it. Absent params become `{}` here. */
export interface Call {
  method: string;
  params?: unknown;
  idempotencyKey?: string;
  /** The caller gave up (in-process callers): the request is cancelled as when a connection closes. */
  signal?: AbortSignal;
}

/** Gets exactly one outcome per request. */
export type Answer = (outcome: Outcome) => void;

/**
 * Every gate after parsing, in order: shutdown, request rate (per caller and per credential),
 * in-flight cap, method lookup, scope, params schema, idempotency; then the method runs.
 * The gates run synchronously while the limiter answers synchronously (the in-memory one
 * does); a limiter that answers with a promise (a shared store) continues the same way after it.
 */
export function dispatch(runtime: Runtime, caller: Caller, call: Call, answer: Answer): void {
  try {
    if (runtime.phase !== 'ready') {
      const why = runtime.phase === 'starting' ? 'the gateway is still starting' : 'the gateway is shutting down';
      return answer(failed(wireError('UNAVAILABLE', why, { retryAfterMs: 1000 })));
    }
    const perConnection = runtime.limiter.takeRequest(caller.bucketKey);
    if (perConnection instanceof Promise) {
      perConnection.then((decision) => afterConnectionLimit(runtime, caller, call, answer, decision)).catch((error: unknown) => internalError(runtime, caller, call, answer, error));
    } else {
      afterConnectionLimit(runtime, caller, call, answer, perConnection);
    }
  } catch (error) {
    internalError(runtime, caller, call, answer, error);
  }
}

const failed = (error: WireError): Outcome => ({ ok: false, error });

function afterConnectionLimit(runtime: Runtime, caller: Caller, call: Call, answer: Answer, decision: RequestDecision): void {
  if (!decision.allowed) return rateLimited(answer, decision, 'connection');
  const perCredential = runtime.limiter.takeRequest(caller.credentialKey);
  if (perCredential instanceof Promise) {
    perCredential.then((next) => afterLimits(runtime, caller, call, answer, next)).catch((error: unknown) => internalError(runtime, caller, call, answer, error));
  } else {
    afterLimits(runtime, caller, call, answer, perCredential);
  }
}

function rateLimited(answer: Answer, decision: RequestDecision, limit: 'connection' | 'credential'): void {
  answer(failed(wireError('RATE_LIMITED', 'request rate over the limit', { retryAfterMs: decision.retryAfterMs, details: { limit } })));
}

function afterLimits(runtime: Runtime, caller: Caller, call: Call, answer: Answer, decision: RequestDecision): void {
  if (!decision.allowed) return rateLimited(answer, decision, 'credential');
  // Closed while an async limiter answered: nothing reaches a closed socket, but an in-process
  // caller still waits for its promise.
  if (caller.state !== 'open') return answer(failed(wireError('UNAVAILABLE', 'request cancelled: connection closed', { retryAfterMs: 1000 })));
  if (caller.inflight !== undefined && caller.inflight.size >= runtime.settings.maxInflight) {
    return answer(failed(wireError('BUSY', `more than ${runtime.settings.maxInflight} requests in flight on this connection`, { retryAfterMs: 100 })));
  }
  const method = lookup(runtime, call.method);
  if (method === undefined) {
    return answer(failed(wireError('METHOD_NOT_FOUND', `unknown method "${call.method}"`, { details: { method: call.method } })));
  }
  if (!allows(caller.rank, method.scope)) {
    return answer(failed(wireError('FORBIDDEN', `method "${method.name}" requires scope "${method.scope}"`, {
      details: { code: 'MISSING_SCOPE', requiredScope: method.scope, grantedScopes: caller.info?.scopes ?? [] },
    })));
  }
  // Absent params are an empty object, so a method without parameters needs no special case.
  if (call.params === undefined) call.params = {};
  const validate = runtime.registry.validator(method);
  if (validate !== undefined && !validate(call.params)) {
    return answer(failed(wireError('INVALID_REQUEST', describeSchemaError(validate.errors, '/params'))));
  }
  const key = method.sideEffects ? call.idempotencyKey : undefined;
  if (key === undefined) {
    execute(runtime, caller, call, undefined, answer);
    return;
  }
  const dedupeKey = `${caller.credentialKey}\u0000${method.name}\u0000${key}`;
  runtime.idempotency.run(dedupeKey, () => new Promise((resolve) => execute(runtime, caller, call, key, resolve)))
    .outcome.then(answer);
}

function reply(connection: Connection, frame: RequestFrame, outcome: Outcome): void {
  if (outcome.ok) connection.respond(frame.id, outcome.payload);
  else connection.fail(frame.id, outcome.error);
}

function internalError(runtime: Runtime, caller: Caller, call: Call, answer: Answer, error: unknown): void {
  runtime.log.error({ err: error, connId: caller.id, method: call.method }, 'gateway request handling failed unexpectedly');
  answer(failed(wireError('INTERNAL', 'internal error; see the gateway log')));
}

/** Undeclared `rpc` taps are callable, by admins only: with no declared scope, assume the highest. */
function lookup(runtime: Runtime, name: string): MethodInfo | undefined {
  const declared = runtime.registry.get(name);
  if (declared !== undefined) return declared;
  if (hasTaps(runtime.hooks.rpc.get(name))) return { name, scope: 'admin', sideEffects: true, plugin: 'unknown', errors: [] };
  return undefined;
}

/**
 * Runs the method's `rpc` taps under the request deadline; `done` gets exactly one outcome:
 * the result, the error, TIMEOUT, or UNAVAILABLE when the connection went away first.
 */
function execute(runtime: Runtime, caller: Caller, call: Call, idempotencyKey: string | undefined, done: (outcome: Outcome) => void): void {
  const request = new RequestContext(caller.info!, Date.now() + runtime.settings.requestTimeoutMs, idempotencyKey);
  const signal = call.signal;
  const cancelled = () => request.abort('cancelled by the caller');
  let settled = false;
  const settle = (outcome: Outcome) => {
    if (settled) return;
    settled = true;
    signal?.removeEventListener('abort', cancelled);
    caller.inflight!.delete(request);
    runtime.deadlines.delete(request);
    runtime.inflight.end();
    done(outcome);
  };
  request.onAbort = (reason) => settle({
    ok: false,
    error: reason === 'request timeout'
      ? wireError('TIMEOUT', `method "${call.method}" did not answer within ${runtime.settings.requestTimeoutMs} ms`)
      : wireError('UNAVAILABLE', `request cancelled: ${reason}`, { retryAfterMs: 1000 }),
  });
  (caller.inflight ??= new Set()).add(request);
  runtime.deadlines.add(request);
  runtime.inflight.begin();
  if (signal !== undefined) {
    if (signal.aborted) cancelled();
    else signal.addEventListener('abort', cancelled, { once: true });
  }
  if (settled) return;
  runtime.hooks.rpc.get(call.method)!.promise(call.params, request).then(
    (payload) => settle({ ok: true, payload }),
    (error: unknown) => settle({ ok: false, error: toWireError(runtime, error, call.method, caller) }),
  );
}

function toWireError(runtime: Runtime, error: unknown, method: string, caller: Caller): WireError {
  // The kernel wraps what a tap throws in MOLT_ERR_HOOK_FAILED; the handler's own error is the cause.
  const cause = isMoltbotError(error, 'MOLT_ERR_HOOK_FAILED') ? error.cause : error;
  if (cause instanceof RpcError) {
    return wireError(cause.code, cause.message, {
      ...(cause.details !== undefined ? { details: cause.details } : {}),
      ...(cause.retryAfterMs !== undefined ? { retryAfterMs: cause.retryAfterMs } : {}),
    });
  }
  const store = storeUnavailable(cause);
  if (store !== undefined) {
    // A backing store (Redis) is down: a specific answer the client can wait out, not INTERNAL.
    const retryAfterMs = typeof store.data?.retryAfterMs === 'number' ? store.data.retryAfterMs : 1000;
    return wireError('UNAVAILABLE', store.message, { retryAfterMs, details: { code: store.code, ...(typeof store.data?.component === 'string' ? { component: store.data.component } : {}) } });
  }
  if (isMoltbotError(cause)) {
    // A code the method declared in `errors` is part of its contract: the client gets it as is.
    if (runtime.registry.get(method)?.errors.includes(cause.code) === true) {
      return wireError(cause.code, cause.message, { details: { fix: cause.fix, ...(cause.plugin !== undefined ? { plugin: cause.plugin } : {}) } });
    }
    return wireError('PLUGIN_ERROR', cause.message, { details: { code: cause.code, ...(cause.plugin !== undefined ? { plugin: cause.plugin } : {}) } });
  }
  runtime.log.error({ err: error, method, connId: caller.id }, 'an RPC method failed');
  return wireError('INTERNAL', `method "${method}" failed; see the gateway log`);
}

/** The MOLT_ERR_STORE_UNAVAILABLE error in `error`'s cause chain (a run may wrap it), if any. */
function storeUnavailable(error: unknown): MoltbotError | undefined {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    if (isMoltbotError(current, 'MOLT_ERR_STORE_UNAVAILABLE')) return current;
  }
  return undefined;
}
