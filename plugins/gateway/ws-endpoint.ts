/**
 * The WebSocket side of the port: a `ws` server in noServer mode, fed by the upgrade gate
 * (upgrade.ts), turning each accepted socket into a Connection with its handshake timer and
 * frame handler, plus the heartbeat. Loaded after the HTTP server listens (ws and the RPC
 * modules are not needed to listen), and before the first upgrade is handled.
 *
 * Memory per idle connection is a goal (≤ 10 KB RSS): the socket listeners and the handshake
 * timer are shared functions that find their Connection on the socket, not closures per
 * connection (each closure would also keep its creating scope alive).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientAddress } from './client-address.ts';
import { Connection, connectionOf } from './connection.ts';
import { handleMessage } from './dispatch.ts';
import { CLOSE_CODES } from '../../sdk/protocol/index.ts';
import { startHeartbeat } from './heartbeat.ts';
import type { Runtime } from './runtime.ts';

export interface WsEndpoint {
  /** Completes an upgrade the gate let through; ws answers 400 for a malformed handshake. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, client: ClientAddress, origin: string | undefined): void;
  stop(): void;
}

function onMessage(this: WebSocket, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
  const connection = connectionOf(this);
  handleMessage(connection.runtime, connection, data, isBinary);
}

function onPong(this: WebSocket): void {
  connectionOf(this).alive = true;
}

/** ws reports protocol errors (1007, 1009, 1002, 1008) here and then closes; a listener keeps them from throwing. */
function onError(this: WebSocket, error: Error & { code?: string }): void {
  const connection = connectionOf(this);
  if (connection.runtime.log.isLevelEnabled('debug')) connection.runtime.log.debug({ connId: connection.id, code: error.code }, 'gateway client protocol error');
}

function onClose(this: WebSocket, code: number): void {
  connectionOf(this).closed(code);
}

function onHandshakeTimeout(connection: Connection): void {
  if (connection.state !== 'handshake' && connection.state !== 'authenticating') return;
  const { runtime } = connection;
  runtime.log.info({ connId: connection.id, ip: connection.ip }, 'gateway handshake timed out');
  connection.close(CLOSE_CODES.POLICY, 'handshake timeout');
  // A peer that ignores the close frame is cut off after the grace period.
  setTimeout(terminateAfterTimeout, runtime.settings.closeGraceMs, connection).unref();
}

function terminateAfterTimeout(connection: Connection): void {
  connection.terminate('handshake timeout');
}

export function createWsEndpoint(runtime: Runtime): WsEndpoint {
  const { settings } = runtime;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    // Before `connect` only the small limit applies; Connection.open() raises it.
    maxPayload: settings.maxPreAuthPayload,
    maxFragments: 1024,
    maxBufferedChunks: 262_144,
    skipUTF8Validation: false,
    autoPong: true,
  });
  const events = {
    onClosed: (closed: Connection, code: number) => {
      runtime.connections.delete(closed);
      runtime.connectionsById.delete(closed.id);
      runtime.preAuth.release(closed);
      runtime.limiter.forget(closed.bucketKey);
      for (const listener of runtime.disconnectListeners) {
        try {
          listener(closed.id);
        } catch (error) {
          runtime.log.warn({ err: error }, 'a disconnect listener failed');
        }
      }
      if (runtime.log.isLevelEnabled('debug')) runtime.log.debug({ connId: closed.id, code }, 'gateway client disconnected');
    },
    onTerminated: (terminated: Connection, reason: string) => runtime.log.warn({ connId: terminated.id, ip: terminated.ip, reason }, 'gateway terminated a client'),
  };
  const accept = (ws: WebSocket, socket: Duplex, client: ClientAddress, origin: string | undefined) => {
    const connection = new Connection(ws, socket, runtime, { ip: client.ip, source: client.source, local: client.local, origin }, events);
    // Counted from here: a handshake ws rejects never reaches this point and holds no slot.
    runtime.preAuth.add(connection);
    runtime.connections.add(connection);
    runtime.connectionsById.set(connection.id, connection);
    connection.handshakeTimer = setTimeout(onHandshakeTimeout, settings.connectionTimeoutMs, connection);
    connection.handshakeTimer.unref();
    ws.on('message', onMessage);
    ws.on('pong', onPong);
    ws.on('error', onError);
    ws.on('close', onClose);
  };
  const stopHeartbeat = startHeartbeat(runtime);

  return {
    upgrade(req, socket, head, client, origin) {
      wss.handleUpgrade(req, socket, head, (ws) => accept(ws, socket, client, origin));
    },
    stop: stopHeartbeat,
  };
}
