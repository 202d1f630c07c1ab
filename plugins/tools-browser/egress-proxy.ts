/**
 * The egress proxy one browser instance sends every connection through (`--proxy-server`,
 * loopback included via `<-loopback>`): plain HTTP requests are forwarded, CONNECT tunnels
 * (HTTPS, WebSockets) are spliced, and each destination is checked by the egress policy and
 * then dialled at the exact address the policy resolved and approved (no second DNS answer).
 * This is what catches redirect hops, which Playwright's `context.route` does not intercept.
 * Listens on 127.0.0.1 only; refusals answer 403 and are reported through `onBlocked`.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { EgressPolicy } from './egress-policy.ts';

export interface EgressProxy {
  readonly port: number;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

export async function startEgressProxy(policy: EgressPolicy, onBlocked: (target: string, reason: string) => void): Promise<EgressProxy> {
  const sockets = new Set<Duplex>();
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer({ requireHostHeader: false });
  server.on('connection', track);

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void forward(req, res).catch(() => res.destroy());
  });
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      return void res.writeHead(400).end('absolute URL expected');
    }
    if (url.protocol !== 'http:') return void res.writeHead(400).end('only http:// is forwarded; use CONNECT');
    const port = url.port === '' ? 80 : Number(url.port);
    const verdict = await policy.check(url.hostname, port);
    if (!verdict.ok) {
      onBlocked(url.href, verdict.reason);
      return void res.writeHead(403, { 'content-type': 'text/plain' }).end(`Blocked by the moltbot browser egress policy: ${verdict.reason}\n`);
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    const upstream = httpRequest({ host: verdict.address, port, method: req.method, path: `${url.pathname}${url.search}`, headers, agent: false, setHost: false });
    upstream.on('socket', track);
    upstream.on('response', (answer) => {
      const out: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, out);
      answer.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end('upstream connection failed')));
    res.once('close', () => upstream.destroy());
    req.pipe(upstream);
  };

  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    client.on('error', () => client.destroy());
    const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(req.url ?? '');
    if (!match) return void client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    const host = match[1] ?? match[2]!;
    const port = Number(match[3]);
    void policy.check(host, port).then((verdict) => {
      if (!verdict.ok) {
        onBlocked(`${req.url}`, verdict.reason);
        return void client.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\n\r\n');
      }
      const upstream: Socket = connect({ host: verdict.address, port });
      track(upstream);
      upstream.once('connect', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => {
        if (!client.destroyed) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
        upstream.destroy();
      });
      client.once('close', () => upstream.destroy());
    }, () => client.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
