/**
 * `/mcp` on the gateway port (mcp.serve.http.enabled, off by default): MCP over streamable HTTP
 * in stateless mode, one MCP server and transport per request, so nothing is kept between
 * requests and any gateway instance behind a load balancer can answer.
 *
 * Authentication is the gateway's own: the route is registered through `httpRoute` without
 * `public`, so the router checks the Bearer token or password with the RPC lockout and rate
 * limits before this handler runs (no credential → 401), and hands it the scopes and subject it
 * granted. The tools call the gateway's RPC methods in process (`gateway.connect`) under that
 * grant, through the same checks as a WebSocket request, so each method's scope applies
 * exactly as for any RPC client (a read credential cannot `chat.send`) without a loopback
 * socket per request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRouteContext, HttpRouteRegistrar } from '../../sdk/core/index.ts';
import type { GatewayService, InProcessConnection } from '../../sdk/gateway/index.ts';
import { LINK_CLOSED, type GatewayLink } from './gateway-link.ts';
import type { ToolSettings } from './tools.ts';

const MAX_BODY = 4 * 1024 * 1024;

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

/**
 * The tools' view of the gateway for one /mcp request: an in-process connection holding the
 * scopes and subject the router's authentication granted this request. `chat.final` and the
 * other events addressed to it arrive as for a WebSocket client; its closing wakes a waiting
 * `send_message` like a dropped WebSocket does.
 */
export function inProcessLink(connection: InProcessConnection): GatewayLink {
  return {
    call: (method, params) => connection.call(method, params),
    onEvent(listener) {
      const stopEvents = connection.onEvent(listener);
      const stopClose = connection.onClose((reason) => listener(LINK_CLOSED, { message: reason }));
      return () => {
        stopEvents();
        stopClose();
      };
    },
    get open() {
      return connection.open;
    },
    close: () => connection.close('the MCP request ended'),
  };
}

export function registerMcpRoutes(router: HttpRouteRegistrar, gateway: () => Pick<GatewayService, 'connect'>, settings: ToolSettings): void {
  const handler = async (req: IncomingMessage, res: ServerResponse, context?: HttpRouteContext): Promise<void> => {
    const read = await readJson(req);
    if (!read.ok) return rpcError(res, read.tooLarge ? 413 : 400, -32700, read.tooLarge ? `request body over ${MAX_BODY} bytes` : 'Parse error: the body must be JSON');
    const body = read.body;
    const [{ StreamableHTTPServerTransport }, { createMcpServer }] = await Promise.all([
      import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
      import('./tools.ts'),
    ]);
    // The route is not public, so the router has authenticated the request: `auth` is its grant
    // (without one, nothing is allowed).
    const auth = context?.auth ?? { scopes: [] };
    let link: Promise<GatewayLink> | undefined;
    const provider = () => (link ??= (async () => inProcessLink(gateway().connect({
      scopes: auth.scopes,
      ...(auth.subject !== undefined ? { subject: auth.subject } : {}),
      ...(context !== undefined ? { remoteAddress: context.remoteAddress } : {}),
    })))());
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
