/**
 * One port for HTTP and WebSocket: a Node http (or https) server with explicit limits whose
 * upgrades go through the gate in upgrade.ts to the WebSocket endpoint. The endpoint (ws and
 * the RPC modules) is imported once the port listens, so start-up pays only for HTTP; an
 * upgrade arriving before it is loaded waits for it. Also the two-step shutdown: stop
 * accepting, later close every client and the listener.
 */
import type { Server, ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestHandler, type Router } from './http-routes.ts';
import type { Runtime } from './runtime.ts';
import type { TlsMaterial } from './tls.ts';
import { createUpgradeHandler } from './upgrade.ts';
import type { WsEndpoint } from './ws-endpoint.ts';

export interface RunningServer {
  readonly address: AddressInfo;
  readonly secure: boolean;
  /** Refuse new connections and requests; existing clients stay until close(). */
  stopAccepting(): void;
  /** Close every client with `code`, wait up to closeGraceMs, destroy what is left, close the listener. */
  close(code: number, reason: string): Promise<void>;
}

// Not `import … from 'node:http'`: an ES import of node:http evaluates all its exports, and
// its lazy WebSocket export loads undici (~25 ms of start-up for nothing we use).
const http = process.getBuiltinModule('node:http');

export async function startServer(runtime: Runtime, router: Router, listen: { host: string; port: number }, tls: TlsMaterial | undefined): Promise<RunningServer> {
  const { settings } = runtime;
  const httpOptions: ServerOptions = {
    headersTimeout: settings.headersTimeoutMs,
    requestTimeout: Math.max(settings.httpRequestTimeoutMs, settings.headersTimeoutMs),
    keepAliveTimeout: settings.keepAliveTimeoutMs,
    // Node checks the two timeouts above on this interval (30 s by default): short limits need a short check.
    connectionsCheckingInterval: Math.max(5, Math.min(1000, Math.floor(settings.headersTimeoutMs / 2))),
  };
  const handler = createRequestHandler(runtime, router);
  const server: Server = tls
    ? process.getBuiltinModule('node:https').createServer({ ...httpOptions, cert: tls.cert, key: tls.key }, handler)
    : http.createServer(httpOptions, handler);
  // Node 24 refuses a request with more headers than this (431) before any handler sees it.
  server.maxHeadersCount = settings.maxHeadersCount;

  let endpoint: WsEndpoint | undefined;
  const loading = import('./ws-endpoint.ts').then(({ createWsEndpoint }) => (endpoint = createWsEndpoint(runtime)));
  loading.catch((error: unknown) => runtime.log.error({ err: error }, 'gateway WebSocket endpoint failed to load; upgrades are answered 500'));
  server.on('upgrade', createUpgradeHandler(runtime, () => endpoint ?? loading));

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, listen));
    server.once('error', onError);
    server.listen({ host: listen.host, port: listen.port, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => runtime.log.error({ err: error }, 'gateway server error'));
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));

  return {
    address: server.address() as AddressInfo,
    secure: tls !== undefined,
    stopAccepting() {
      server.close();
      server.closeIdleConnections();
    },
    async close(code, reason) {
      await loading.catch(() => undefined);
      endpoint?.stop();
      server.close();
      for (const connection of runtime.connections) connection.close(code, reason);
      const deadline = Date.now() + settings.closeGraceMs;
      while (runtime.connections.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      for (const connection of runtime.connections) connection.terminate('shutdown');
      server.closeAllConnections();
      await closed;
    },
  };
}

function listenError(error: NodeJS.ErrnoException, listen: { host: string; port: number }): Error {
  if (error.code === 'EADDRINUSE') {
    return new Error(`port ${listen.port} on ${listen.host} is already in use (another gateway?); choose another with --port or gateway.port`, { cause: error });
  }
  if (error.code === 'EADDRNOTAVAIL') {
    return new Error(`cannot listen on ${listen.host}: no such address on this machine (check gateway.bind / gateway.customBindHost)`, { cause: error });
  }
  if (error.code === 'EACCES') {
    return new Error(`not allowed to listen on port ${listen.port} (ports below 1024 need privileges)`, { cause: error });
  }
  return error;
}
