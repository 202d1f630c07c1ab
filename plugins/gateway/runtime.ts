/**
 * Everything the gateway's parts share while it runs: settings, the services it consults,
 * the live connections and the counters the limits are checked against. Built at start.
 */
import type { KernelHooks } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import type { RateLimitService } from '../../sdk/rate-limit/index.ts';
import type { Connection } from './connection.ts';
import type { Caller } from './dispatch.ts';
import type { InProcessClient } from './in-process.ts';
import type { HealthRegistry } from './health.ts';
import type { IdempotencyCache } from './idempotency.ts';
import type { MethodRegistry } from '../../sdk/gateway/index.ts';
import type { KnownSources } from './known-sources.ts';
import type { OriginPolicy } from './origin.ts';
import type { PreAuthSlots } from './pre-auth.ts';
import type { Deadlines, InflightCounter } from './request-context.ts';
import type { GatewaySettings } from './settings.ts';

export type GatewayPhase = 'starting' | 'ready' | 'closing' | 'closed';

export interface Runtime {
  readonly settings: GatewaySettings;
  readonly log: Logger;
  readonly hooks: KernelHooks;
  readonly registry: MethodRegistry;
  readonly limiter: RateLimitService;
  readonly health: HealthRegistry;
  readonly idempotency: IdempotencyCache;
  readonly deadlines: Deadlines;
  /** RPC requests in flight on all connections (close drains them). */
  readonly inflight: InflightCounter;
  /** Rebuilt once the real port is known (port 0). */
  origins: OriginPolicy;
  readonly version: string;
  /** Every accepted WebSocket, from upgrade to close. */
  readonly connections: Set<Connection>;
  /** The same connections and the open in-process clients, by id, for events addressed to one client. */
  readonly connectionsById: Map<string, Caller>;
  /** Open in-process clients (GatewayService.call/connect): closed at stop and by revoke. */
  readonly inProcess: Set<InProcessClient>;
  /** Called with the id of every connection that closed (service onDisconnect). */
  readonly disconnectListeners: Set<(connectionId: string) => void>;
  /** Request frames from authenticated clients, and error answers to them, since start. */
  readonly traffic: { requests: number; errors: number };
  /** Connections not yet through `connect` (pre-auth.ts); the rest of `connections` are authenticated. */
  readonly preAuth: PreAuthSlots;
  /** Sources that authenticated recently: exempt from the remote password-check budget. */
  readonly knownSources: KnownSources;
  phase: GatewayPhase;
  /** Some plugin taps `authenticate`. */
  readonly authConfigured: boolean;
  /** Kernel-tracked work (handshakes, HTTP requests): close waits for it. */
  track<T>(work: Promise<T>): Promise<T>;
}

/** Authenticated connections: what `gateway.maxConnections` bounds. */
export function authenticatedCount(runtime: Runtime): number {
  return runtime.connections.size - runtime.preAuth.total;
}
