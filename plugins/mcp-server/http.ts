/**
 * `/mcp` on the gateway port (mcp.serve.http.enabled, off by default): MCP over streamable HTTP
 * in stateless mode, one MCP server and transport per request, so nothing is kept between
 * requests and any gateway instance behind a load balancer can answer.
 *
 * Authentication is the gateway's own: the route is registered through `httpRoute` without
 * `public`, so the router checks the Bearer token or password with the RPC lockout and rate
 * limits before this handler runs (no credential → 401). The tools then call the gateway's RPC
 * methods over a WebSocket to this same gateway with the same credential, so each method's
 * scope applies exactly as for any RPC client (a read credential cannot `chat.send`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRouteRegistrar } from '../../sdk/core/index.ts';
import { connectGateway, type GatewayLink } from './gateway-link.ts';
import type { ToolSettings } from './tools.ts';

const MAX_BODY = 4 * 1024 * 1024;

interface GatewayAddress { url: string; host: string; port: number }

function rpcError(res: ServerResponse, status: number, code: number, message: string): void {
  const text = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<{ ok: true; body: unknown } | { ok: false; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return { ok: false, tooLarge: true };
    chunks.push(chunk as Buffer);
  }
  try {
    return { ok: true, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { ok: false, tooLarge: false };
  }
}

/** The same secret the router accepted, tried as token and as password (as the router does). */
function bearerCredential(header: string | undefined): Record<string, string> {
  const match = header === undefined ? null : /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(header);
  return match ? { token: match[1] as string, password: match[1] as string } : {};
}

/** This gateway's own WebSocket URL; an unspecified bind address is reached on loopback. */
export function selfUrl(address: GatewayAddress): string {
  if (address.host !== '0.0.0.0' && address.host !== '::') return address.url;
  const scheme = address.url.startsWith('wss:') ? 'wss' : 'ws';
  return `${scheme}://${address.host === '::' ? '[::1]' : '127.0.0.1'}:${address.port}/`;
}

export function registerMcpRoutes(router: HttpRouteRegistrar, gateway: () => GatewayAddress | undefined, settings: ToolSettings): void {
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const read = await readJson(req);
    if (!read.ok) return rpcError(res, read.tooLarge ? 413 : 400, -32700, read.tooLarge ? `request body over ${MAX_BODY} bytes` : 'Parse error: the body must be JSON');
    const body = read.body;
    const [{ StreamableHTTPServerTransport }, { createMcpServer }] = await Promise.all([
      import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
      import('./tools.ts'),
    ]);
    let link: Promise<GatewayLink> | undefined;
    const credential = bearerCredential(req.headers.authorization);
    const provider = () => (link ??= (async () => {
      const address = gateway();
      if (address === undefined) throw Object.assign(new Error('the gateway is not listening'), { code: 'UNAVAILABLE' });
      // wss to this very process: the packets never leave the host, so the certificate (often
      // issued for a public name, not for the loopback address) is not checked.
      return connectGateway({ url: selfUrl(address), credential, insecureTls: address.url.startsWith('wss:') });
    })());
    const server = createMcpServer(provider, settings);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: false });
    res.on('close', () => {
      void link?.then((opened) => opened.close(), () => undefined);
      void transport.close().catch(() => undefined);
      void server.close().catch(() => undefined);
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };
  // POST only. A stateless server has no server-initiated messages and no session to end, so
  // GET (a standalone SSE stream the SDK would keep open forever) and DELETE get the router's
  // 405 with `Allow: POST`, as the transport spec allows.
  router.route({ method: 'POST', path: '/mcp', scope: 'read', handler });
}
