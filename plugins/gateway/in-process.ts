/**
 * In-process callers (`GatewayService.call` / `connect`): a connection-like client without a
 * socket, for plugins serving a client the gateway already authenticated (the `/mcp` route).
 * Its requests go through dispatch.ts like a WebSocket frame (same gates, same code); only the
 * answer travels differently: a promise instead of a response frame, and events addressed to
 * the connection (`sendTo`) reach listeners as objects, unserialised.
 *
 * The scopes come from the grant the route's authentication made; a plugin passing its own
 * would only hand its client what the plugin itself could already do in process.
 */
import { randomBytes } from 'node:crypto';
import type { ConnectionInfo, Scope } from '../../sdk/core/index.ts';
import { RpcError, impliedScopes, isScope, scopeRank, type RpcErrorCode } from '../../sdk/protocol/index.ts';
import type { InProcessCallOptions, InProcessConnection, InProcessGrant } from '../../sdk/gateway/index.ts';
import { credentialKey } from './connection.ts';
import { dispatch, type Caller } from './dispatch.ts';
import type { Outcome } from './idempotency.ts';
import type { RequestContext } from './request-context.ts';
import type { Runtime } from './runtime.ts';

const ID_PREFIX = `inproc-${randomBytes(4).toString('base64url')}`;
let nextId = 0;

export class InProcessClient implements Caller, InProcessConnection {
  readonly id = `${ID_PREFIX}-${(++nextId).toString(36)}`;
  state: 'open' | 'closed' = 'open';
  readonly rank: number;
  readonly subject: string | undefined;
  readonly info: ConnectionInfo;
  readonly bucketKey = `c:${this.id}`;
  readonly credentialKey: string;
  inflight: Set<RequestContext> | undefined;
  readonly #runtime: Runtime;
  readonly #listeners = new Set<(event: string, payload: any) => void>();
  readonly #closeListeners = new Set<(reason: string) => void>();

  constructor(runtime: Runtime, grant: InProcessGrant) {
    this.#runtime = runtime;
    this.rank = scopeRank(checkedScopes(grant.scopes));
    this.subject = grant.subject;
    this.credentialKey = credentialKey(grant.subject);
    this.info = Object.freeze({
      id: this.id,
      remoteAddress: grant.remoteAddress ?? 'in-process',
      scopes: impliedScopes(this.rank),
      ...(grant.subject !== undefined ? { subject: grant.subject } : {}),
    });
  }

  get open(): boolean {
    return this.state === 'open';
  }

  call(method: string, params?: unknown, options: InProcessCallOptions = {}): Promise<unknown> {
    if (this.state !== 'open') return Promise.reject(new RpcError('UNAVAILABLE', 'this in-process gateway connection is closed', { retryAfterMs: 1000 }));
    if (options.signal?.aborted) return Promise.reject(new RpcError('UNAVAILABLE', 'request cancelled: cancelled by the caller'));
    const runtime = this.#runtime;
    // Counted like a request frame from an authenticated client.
    runtime.traffic.requests++;
    return new Promise((resolve, reject) => {
      dispatch(runtime, this, {
        method,
        params,
        ...(options.idempotencyKey !== undefined ? { idempotencyKey: options.idempotencyKey } : {}),
        ...(options.signal !== undefined ? { signal: options.signal } : {}),
      }, (outcome: Outcome) => {
        if (outcome.ok) return resolve(outcome.payload);
        runtime.traffic.errors++;
        const { code, message, details, retryAfterMs } = outcome.error;
        reject(new RpcError(code as RpcErrorCode, message, { ...(details !== undefined ? { details } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }));
      });
    });
  }

  onEvent(listener: (event: string, payload: any) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  sendEvent(event: string, payload: unknown): boolean {
    if (this.state !== 'open') return false;
    for (const listener of this.#listeners) {
      try {
        listener(event, payload);
      } catch (error) {
        this.#runtime.log.warn({ err: error, connId: this.id, event }, 'an in-process event listener failed');
      }
    }
    return true;
  }

  /** What a closing WebSocket does: cancel running requests, forget limits, tell disconnect listeners. Idempotent. */
  close(reason = 'connection closed'): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    const runtime = this.#runtime;
    runtime.inProcess.delete(this);
    runtime.connectionsById.delete(this.id);
    if (this.inflight !== undefined) for (const request of this.inflight) request.abort('connection closed');
    runtime.limiter.forget(this.bucketKey);
    for (const listener of runtime.disconnectListeners) {
      try {
        listener(this.id);
      } catch (error) {
        runtime.log.warn({ err: error }, 'a disconnect listener failed');
      }
    }
    for (const listener of this.#closeListeners) {
      try {
        listener(reason);
      } catch (error) {
        runtime.log.warn({ err: error, connId: this.id }, 'an in-process close listener failed');
      }
    }
    this.#listeners.clear();
    this.#closeListeners.clear();
  }
}

function checkedScopes(scopes: readonly Scope[]): readonly Scope[] {
  if (!Array.isArray(scopes) || !scopes.every(isScope)) {
    throw new TypeError(`gateway.call()/connect(): scopes must be an array of "read", "write", "admin" (the scopes the gateway granted the caller), got ${JSON.stringify(scopes)}`);
  }
  return scopes;
}

export function connectInProcess(runtime: Runtime | undefined, grant: InProcessGrant): InProcessClient {
  if (runtime === undefined || runtime.phase === 'closed') throw new RpcError('UNAVAILABLE', 'the gateway is not running', { retryAfterMs: 1000 });
  const client = new InProcessClient(runtime, grant);
  runtime.inProcess.add(client);
  runtime.connectionsById.set(client.id, client);
  return client;
}

/** One call on a short-lived client: events addressed to it are dropped. */
export async function callInProcess(runtime: Runtime | undefined, method: string, params: unknown, options: InProcessGrant & InProcessCallOptions): Promise<unknown> {
  const client = connectInProcess(runtime, options);
  try {
    return await client.call(method, params, options);
  } finally {
    client.close();
  }
}
