/**
 * The `gateway` service other plugins use, by ref: where it listens, how many clients it has,
 * events to every client allowed to see them, readiness reports, and the declared methods.
 *
 *   const gateway = ctx.use(gatewayServiceRef);   // consumes: [gatewayServiceRef] or optionalService(...)
 *
 * `call` and `connect` run RPC methods in process, for a plugin that serves a client the gateway
 * already authenticated (an HTTP route: `context.auth`): the same checks as a WebSocket request
 * (shutdown, rate limits, method exists, scope, params schema, idempotency, the method's own
 * error codes), without a socket.
 *
 *   router.route({ method: 'POST', path: '/x', scope: 'read', handler: async (req, res, context) => {
 *     const sessions = await gateway.call('sessions.list', {}, { ...context.auth! });
 *   } });
 */
import { createServiceRef, type Scope } from '../core/index.ts';
import type { MethodInfo } from './methods.ts';

export type BindMode = 'loopback' | 'lan' | 'tailnet' | 'custom';
export type AuthMode = 'password' | 'token' | 'none';

/** What `--port` / `--bind` override for the coming start. */
export interface CliOverrides {
  port?: number;
  bind?: BindMode;
}

export interface GatewayAddress {
  host: string;
  port: number;
  /** `ws://127.0.0.1:18789/` (wss with TLS). */
  url: string;
  /** `http://127.0.0.1:18789` (https with TLS), for the HTTP routes. */
  httpUrl: string;
}

export type ComponentStatus = 'ok' | 'degraded';

export interface ComponentHealth {
  status: ComponentStatus;
  critical: boolean;
  detail?: string;
  /** ms since epoch of the last report. */
  at: number;
}

export type Readiness = 'starting' | 'ready' | 'degraded' | 'closing';

/** Readiness as `/readyz` and RPC `health` report it. */
export interface HealthRegistry {
  /** Latest state of a component (a plugin name, or `plugin:part`); a new report replaces the old. */
  report(component: string, status: ComponentStatus, options?: { critical?: boolean; detail?: string }): void;
  snapshot(): Record<string, ComponentHealth>;
  readiness(): Readiness;
}

/**
 * Who an in-process caller is. `scopes` must be what the gateway granted the client's
 * credential (an HTTP route's `context.auth.scopes`, an RPC handler's `rpc.connection.scopes`),
 * never scopes the client asked for: they decide what it may call.
 */
export interface InProcessGrant {
  scopes: readonly Scope[];
  /** The credential's subject: per-credential rate limit, idempotency keys, `revoke(subject)`. */
  subject?: string;
  /** What methods see as `rpc.connection.remoteAddress` (default "in-process"). */
  remoteAddress?: string;
}

export interface InProcessCallOptions {
  /** Cancels the request (it answers UNAVAILABLE "request cancelled") as a closing connection would. */
  signal?: AbortSignal;
  /** Side-effecting methods run once per key (per credential and method), as over the WebSocket. */
  idempotencyKey?: string;
}

/**
 * A connection-like client inside the gateway process: events a method addresses to its
 * connection (`sendTo`, e.g. `chat.delta` / `chat.final` of a `chat.send`) reach `onEvent`
 * listeners; broadcasts do not. Close it when done: its running requests are cancelled and
 * `onDisconnect` listeners run, as for a WebSocket that closes. The gateway closes it when it
 * stops and when its subject is revoked.
 */
export interface InProcessConnection {
  /** The id methods see as `rpc.connection.id`. */
  readonly id: string;
  readonly open: boolean;
  /** Resolves with the method's result; rejects with an `RpcError` carrying the wire code (FORBIDDEN, INVALID_REQUEST, METHOD_NOT_FOUND, ...). */
  call(method: string, params?: unknown, options?: InProcessCallOptions): Promise<unknown>;
  /** Listeners must not throw or mutate the payload; returns an unsubscribe function. */
  onEvent(listener: (event: string, payload: any) => void): () => void;
  /** Called once with the reason when the connection closes (by close(), revoke or gateway stop). */
  onClose(listener: (reason: string) => void): () => void;
  close(reason?: string): void;
}

export interface GatewayService {
  /**
   * Runs one RPC method in process with the checks of a WebSocket request (see the file header);
   * events the method sends to its connection are dropped (use `connect` to receive them).
   * Rejects with an `RpcError`: UNAVAILABLE when the gateway is not running.
   */
  call(method: string, params: unknown, options: InProcessGrant & InProcessCallOptions): Promise<unknown>;
  /** An in-process connection for several calls and the events addressed to it; throws `RpcError` UNAVAILABLE when the gateway is not running. */
  connect(grant: InProcessGrant): InProcessConnection;
  /**
   * Port and bind for the coming start, over config and environment (what `--port`/`--bind`
   * do; port 0 picks a free port). Call it after kernel.load(), before kernel.start().
   */
  listenOn(overrides: CliOverrides): void;
  /** Undefined until the gateway listens. */
  address(): GatewayAddress | undefined;
  /** Open WebSocket connections (authenticated or not). */
  readonly connections: number;
  /** Sends an event to every authenticated client whose scopes include `scope` (default read); returns how many got it. */
  broadcast(event: string, payload?: unknown, scope?: Scope): number;
  /** Sends an event to one authenticated connection (e.g. the client that started a run); false when it is gone. */
  sendTo(connectionId: string, event: string, payload?: unknown): boolean;
  /** Readiness reports: a critical component reporting "degraded" makes /readyz answer 503. */
  readonly health: HealthRegistry;
  /** Request frames from authenticated clients and error answers to them since start (refusals included). */
  stats(): { requests: number; errors: number };
  /** Methods declared with defineMethod(). */
  methods(): MethodInfo[];
  /** The coming close is a restart: clients get close code 1012 (reconnect) instead of 1001. */
  announceRestart(): void;
  /** Closes (1008) every open connection that authenticated as `subject`; returns how many. */
  revoke(subject: string, reason: string): number;
  /** Calls `listener` with the id of each connection that closes (to drop per-connection state); returns an unsubscribe function. */
  onDisconnect(listener: (connectionId: string) => void): () => void;
}

/** Provided by the `gateway` plugin; the id stays `'gateway'` so `ctx.use('gateway')` keeps working. */
export const gatewayServiceRef = createServiceRef<GatewayService>({
  id: 'gateway',
  description: 'The WebSocket/HTTP control plane: address, events to clients, health reports, declared methods',
});
