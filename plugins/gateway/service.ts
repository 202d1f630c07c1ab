/**
 * The `gateway` service other plugins use: where it listens, how many clients it has, events
 * to every client allowed to see them, readiness reports, and the declared methods.
 */
import type { Scope } from '../../sdk/core/index.ts';
import { CLOSE_CODES } from './error-codes.ts';
import type { HealthRegistry } from './health.ts';
import type { MethodInfo } from './methods.ts';
import type { Runtime } from './runtime.ts';
import { allows } from './scopes.ts';
import type { CliOverrides } from './settings.ts';

export interface GatewayAddress {
  host: string;
  port: number;
  /** `ws://127.0.0.1:18789/` (wss with TLS). */
  url: string;
  /** `http://127.0.0.1:18789` (https with TLS), for the HTTP routes. */
  httpUrl: string;
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

const EVENT_NAME = /^[A-Za-z][A-Za-z0-9._:-]{0,127}$/;

export function revoke(runtime: Runtime, subject: string, reason: string): number {
  let closed = 0;
  for (const connection of runtime.connections) {
    if (connection.state !== 'open' || connection.subject !== subject) continue;
    connection.close(CLOSE_CODES.POLICY, reason.slice(0, 100));
    closed++;
  }
  return closed;
}

export function sendTo(runtime: Runtime, connectionId: string, event: string, payload: unknown): boolean {
  if (!EVENT_NAME.test(event)) throw new TypeError(`gateway.sendTo(): invalid event name ${JSON.stringify(event)}`);
  const connection = runtime.connectionsById.get(connectionId);
  if (connection === undefined || connection.state !== 'open') return false;
  const body = payload === undefined ? '' : `,"payload":${JSON.stringify(payload)}`;
  return connection.send(`{"type":"event","event":"${event}"${body},"seq":${++connection.seq}}`);
}

/** Serialises the payload once; only `seq` differs per connection. */
export function broadcast(runtime: Runtime, event: string, payload: unknown, scope: Scope = 'read'): number {
  if (!EVENT_NAME.test(event)) throw new TypeError(`gateway.broadcast(): invalid event name ${JSON.stringify(event)}`);
  const body = payload === undefined ? '' : `,"payload":${JSON.stringify(payload)}`;
  const head = `{"type":"event","event":"${event}"${body},"seq":`;
  let delivered = 0;
  for (const connection of runtime.connections) {
    if (connection.state !== 'open' || !allows(connection.rank, scope)) continue;
    if (connection.send(`${head}${++connection.seq}}`)) delivered++;
  }
  return delivered;
}
