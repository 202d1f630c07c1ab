/**
 * The `gateway` service other plugins use, by ref: where it listens, how many clients it has,
 * events to every client allowed to see them, readiness reports, and the declared methods.
 *
 *   const gateway = ctx.use(gatewayServiceRef);   // consumes: [gatewayServiceRef] or optionalService(...)
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

export interface GatewayService {
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
