/**
 * HTTP → WebSocket upgrades. Checked before ws touches the request: the gateway is accepting,
 * the path is `/`, the origin is allowed (403 before `101`, credentials or not), and there is
 * room: `maxConnections` counts authenticated clients only, and unauthenticated sockets have
 * their own caps (gateway-wide and per source) where a newcomer evicts the oldest idle one
 * instead of being refused (pre-auth.ts). ws then validates the handshake headers itself
 * (400 when malformed).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { resolveClientAddress } from './client-address.ts';
import type { Connection } from './connection.ts';
import { CLOSE_CODES } from '../../sdk/protocol/index.ts';
import { checkOrigin } from './origin.ts';
import { authenticatedCount, type Runtime } from './runtime.ts';
import type { WsEndpoint } from './ws-endpoint.ts';

// process.getBuiltinModule, not an ES import: see server.ts.
const { STATUS_CODES } = process.getBuiltinModule('node:http');

/** `endpoint()` is the loaded WebSocket endpoint, or the promise of it right after start. */
export function createUpgradeHandler(runtime: Runtime, endpoint: () => WsEndpoint | Promise<WsEndpoint>) {
  const gate = (ws: WsEndpoint, req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (runtime.phase === 'closing' || runtime.phase === 'closed') return reject(socket, 503, 'the gateway is shutting down', { 'Retry-After': '5' });
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/') return reject(socket, 404, 'WebSocket endpoint is /');
    const client = resolveClientAddress(req.socket.remoteAddress, req.headers, runtime.settings.trustedProxies, runtime.settings.ipv6SourcePrefix);
    const origin = checkOrigin(req.headers, client, runtime.origins);
    if (!origin.ok) {
      runtime.log.warn({ ip: client.ip, origin: printable(req.headers.origin), reason: origin.reason }, 'gateway refused a WebSocket upgrade (origin)');
      return reject(socket, 403, origin.reason);
    }
    const { preAuth, settings } = runtime;
    if (authenticatedCount(runtime) >= settings.maxConnections) {
      runtime.log.warn({ ip: client.ip, limit: settings.maxConnections }, 'gateway refused a WebSocket upgrade: maxConnections reached');
      return reject(socket, 503, 'too many connections', { 'Retry-After': '5' });
    }
    const admission = preAuth.admit(client.source, { total: settings.maxPendingHandshakes, perSource: settings.maxPendingHandshakesPerIp });
    if (!admission.ok) {
      runtime.log.warn({ ip: client.ip, pending: preAuth.total }, 'gateway refused a WebSocket upgrade: every unauthenticated slot is checking a credential');
      return reject(socket, 503, 'too many unauthenticated connections', { 'Retry-After': '1' });
    }
    if (admission.evicted !== undefined) evict(runtime, admission.evicted);
    ws.upgrade(req, socket, head, client, origin.origin);
  };
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', destroyOnError);
    const ready = endpoint();
    if (!(ready instanceof Promise)) return gate(ready, req, socket, head);
    waitForEndpoint(ready, gate, req, socket, head);
  };
}

/** One warning per interval under a flood (each eviction is counted; `status` shows the total). */
const EVICTION_LOG_INTERVAL_MS = 10_000;
const lastEvictionLog = new WeakMap<Runtime, number>();

/** Closes an idle pre-auth socket (its slot was released already): 1013, then cut at once. */
function evict(runtime: Runtime, victim: Connection): void {
  victim.close(CLOSE_CODES.TRY_AGAIN, 'too many unauthenticated connections');
  victim.ws.terminate();
  const now = Date.now();
  if (now - (lastEvictionLog.get(runtime) ?? 0) >= EVICTION_LOG_INTERVAL_MS) {
    lastEvictionLog.set(runtime, now);
    runtime.log.warn({ ip: victim.ip, source: victim.source, evictions: runtime.preAuth.evictions }, 'gateway closed idle unauthenticated connections to make room (pre-auth caps reached)');
  }
}

/**
 * Shared, not a closure per socket: a listener that lives as long as the socket would keep the
 * upgrade request (headers and all, ~2.5 KB) alive through its closure context.
 */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

/** Only the first upgrades after start wait; the socket buffers what the client sends meanwhile. */
function waitForEndpoint(ready: Promise<WsEndpoint>, gate: (ws: WsEndpoint, req: IncomingMessage, socket: Duplex, head: Buffer) => void, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  ready.then((loaded) => gate(loaded, req, socket, head), () => reject(socket, 500, 'internal error'));
}

function reject(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${message}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** Header values go into logs: short, printable, or not at all. */
function printable(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return /^[\x20-\x7e]{0,200}$/.test(value) ? value : '(unprintable)';
}
