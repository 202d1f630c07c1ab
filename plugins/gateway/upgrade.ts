/**
 * HTTP → WebSocket upgrades. Checked before ws touches the request: the gateway is accepting,
 * the path is `/`, the origin is allowed (403 before `101`, credentials or not), and there is
 * room (maxConnections; unauthenticated connections capped gateway-wide and per client IP,
 * since each one holds a socket until its handshake timeout). ws then validates the
 * handshake headers itself (400 when malformed).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { resolveClientAddress } from './client-address.ts';
import { checkOrigin } from './origin.ts';
import type { Runtime } from './runtime.ts';
import type { WsEndpoint } from './ws-endpoint.ts';

// process.getBuiltinModule, not an ES import: see server.ts.
const { STATUS_CODES } = process.getBuiltinModule('node:http');

/** `endpoint()` is the loaded WebSocket endpoint, or the promise of it right after start. */
export function createUpgradeHandler(runtime: Runtime, endpoint: () => WsEndpoint | Promise<WsEndpoint>) {
  const gate = (ws: WsEndpoint, req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (runtime.phase === 'closing' || runtime.phase === 'closed') return reject(socket, 503, 'the gateway is shutting down', { 'Retry-After': '5' });
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/') return reject(socket, 404, 'WebSocket endpoint is /');
    const client = resolveClientAddress(req.socket.remoteAddress, req.headers, runtime.settings.trustedProxies);
    const origin = checkOrigin(req.headers, client, runtime.origins);
    if (!origin.ok) {
      runtime.log.warn({ ip: client.ip, origin: printable(req.headers.origin), reason: origin.reason }, 'gateway refused a WebSocket upgrade (origin)');
      return reject(socket, 403, origin.reason);
    }
    if (runtime.connections.size >= runtime.settings.maxConnections) {
      runtime.log.warn({ ip: client.ip, limit: runtime.settings.maxConnections }, 'gateway refused a WebSocket upgrade: maxConnections reached');
      return reject(socket, 503, 'too many connections', { 'Retry-After': '5' });
    }
    const { pending, settings } = runtime;
    if (pending.total >= settings.maxPendingHandshakes || (pending.perIp.get(client.ip) ?? 0) >= settings.maxPendingHandshakesPerIp) {
      runtime.log.warn({ ip: client.ip, pending: pending.total }, 'gateway refused a WebSocket upgrade: too many unauthenticated connections');
      return reject(socket, 503, 'too many unauthenticated connections', { 'Retry-After': '5' });
    }
    ws.upgrade(req, socket, head, client, origin.origin);
  };
  return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', destroyOnError);
    const ready = endpoint();
    if (!(ready instanceof Promise)) return gate(ready, req, socket, head);
    waitForEndpoint(ready, gate, req, socket, head);
  };
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
