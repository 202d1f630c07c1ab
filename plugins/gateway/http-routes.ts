/**
 * HTTP beside the WebSocket: `/healthz` (the process is up), `/readyz` (503 until the kernel
 * is ready, while closing, and while a critical component reports degraded), and the routes
 * plugins add through the `httpRoute` hook (called once, when the server is built).
 *
 * Every request is subject to the browser rule of the upgrade path: a request carrying a
 * foreign Origin is refused with 403, and no response ever carries CORS headers, so a web page
 * can neither read an answer nor send a credentialed preflighted request. Routes are
 * authenticated with `Authorization: Bearer <token or password>` unless marked `public`;
 * query-string credentials are never read. A handler gets what authentication granted
 * (`context.auth`: scopes and subject) so it can call methods in process under exactly those.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HttpRouteContext, HttpRouteDefinition } from '../../sdk/core/index.ts';
import { sendJson } from '../../sdk/gateway/index.ts';
import { authenticate } from './auth-flow.ts';
import { resolveClientAddress } from './client-address.ts';
import { wireError, type WireError, allows, impliedScopes } from '../../sdk/protocol/index.ts';
import { checkOrigin } from './origin.ts';
import type { Runtime } from './runtime.ts';

export { sendJson };

type Method = HttpRouteDefinition['method'];
const METHODS = new Set<Method>(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);

type ErrorBody = NonNullable<HttpRouteDefinition['errorBody']>;

/** `/v1/chat/completions` → `/v1/`; `/metrics` → `/metrics`. */
const familyOf = (path: string): string => /^\/[^/]*\/?/.exec(path)?.[0] ?? path;

export class Router {
  readonly #routes = new Map<string, Map<Method, HttpRouteDefinition>>();
  readonly #errorBodies = new Map<string, ErrorBody>();

  route(definition: HttpRouteDefinition): void {
    if (!METHODS.has(definition.method)) throw new TypeError(`httpRoute: unsupported method ${JSON.stringify(definition.method)}`);
    if (typeof definition.path !== 'string' || !definition.path.startsWith('/') || definition.path.includes('?')) {
      throw new TypeError(`httpRoute: path must start with "/" and carry no query (got ${JSON.stringify(definition.path)})`);
    }
    if (typeof definition.handler !== 'function') throw new TypeError(`httpRoute: ${definition.method} ${definition.path} needs a handler`);
    let byMethod = this.#routes.get(definition.path);
    if (byMethod === undefined) this.#routes.set(definition.path, (byMethod = new Map()));
    if (byMethod.has(definition.method)) throw new Error(`httpRoute: ${definition.method} ${definition.path} is registered twice`);
    byMethod.set(definition.method, definition);
    if (definition.errorBody) this.#errorBodies.set(familyOf(definition.path), definition.errorBody.bind(definition));
  }

  /** How errors on `path` are shaped: its route family's `errorBody`, if one declared it. */
  errorBodyFor(path: string): ErrorBody | undefined {
    return this.#errorBodies.get(familyOf(path));
  }

  match(method: string, path: string): { route?: HttpRouteDefinition; allowed: Method[] } {
    const byMethod = this.#routes.get(path);
    if (byMethod === undefined) return { allowed: [] };
    const route = byMethod.get(method as Method) ?? (method === 'HEAD' ? byMethod.get('GET') : undefined);
    return { ...(route ? { route } : {}), allowed: [...byMethod.keys()] };
  }

  list(): { method: Method; path: string; public: boolean; scope?: string }[] {
    return [...this.#routes.values()].flatMap((byMethod) => [...byMethod.values()].map((route) => ({
      method: route.method, path: route.path, public: route.public === true, ...(route.scope ? { scope: route.scope } : {}),
    })));
  }
}

function sendError(res: ServerResponse, status: number, error: WireError, headers: Record<string, string> = {}, errorBody?: ErrorBody): void {
  const retry: Record<string, string> = error.retryAfterMs === undefined ? {} : { 'Retry-After': String(Math.ceil(error.retryAfterMs / 1000)) };
  sendJson(res, status, errorBody ? errorBody(status, error) : { ok: false, error }, { ...retry, ...headers });
}

export function builtinRoutes(runtime: Runtime): HttpRouteDefinition[] {
  return [
    { method: 'GET', path: '/healthz', public: true, handler: (_req, res) => sendJson(res, 200, { ok: true, status: 'live' }) },
    {
      method: 'GET',
      path: '/readyz',
      public: true,
      handler: (_req, res) => {
        const status = runtime.health.readiness();
        const ready = status === 'ready';
        sendJson(res, ready ? 200 : 503, { ok: ready, status, components: runtime.health.snapshot() }, ready ? {} : { 'Retry-After': '1' });
      },
    },
  ];
}

export function createRequestHandler(runtime: Runtime, router: Router) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    runtime.track(handle(runtime, router, req, res)).catch((error: unknown) => {
      runtime.log.error({ err: error, method: req.method, path: pathOf(req) }, 'an HTTP route failed');
      if (!res.headersSent) sendError(res, 500, wireError('INTERNAL', 'internal error; see the gateway log'), {}, router.errorBodyFor(pathOf(req)));
      else res.destroy();
    });
  };
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?', 1)[0] as string;
}

async function handle(runtime: Runtime, router: Router, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const client = resolveClientAddress(req.socket.remoteAddress, req.headers, runtime.settings.trustedProxies, runtime.settings.ipv6SourcePrefix);
  const origin = checkOrigin(req.headers, client, runtime.origins);
  const errorBody = router.errorBodyFor(pathOf(req));
  const fail = (status: number, error: WireError, headers: Record<string, string> = {}) => sendError(res, status, error, headers, errorBody);
  if (!origin.ok) return fail(403, wireError('FORBIDDEN', origin.reason));
  const method = req.method ?? 'GET';
  const { route, allowed } = router.match(method, pathOf(req));
  if (route === undefined) {
    // No CORS: a preflight gets no Access-Control-* header, so the browser refuses the real request.
    if (method === 'OPTIONS' && allowed.length > 0) return void res.writeHead(204, { Allow: allowed.join(', ') }).end();
    if (allowed.length > 0) return fail(405, wireError('INVALID_REQUEST', `method ${method} not allowed`), { Allow: allowed.join(', ') });
    return fail(404, wireError('METHOD_NOT_FOUND', 'no such route'));
  }
  let context: HttpRouteContext = { remoteAddress: client.ip };
  if (route.public !== true) {
    const outcome = await authenticate(runtime, {
      transport: 'http',
      ip: client.ip,
      source: client.source,
      local: client.local,
      origin: origin.origin,
      credential: bearer(req.headers.authorization),
    });
    if (!outcome.ok) return fail(outcome.status, outcome.error, outcome.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {});
    const required = route.scope ?? 'read';
    if (!allows(outcome.rank, required)) {
      return fail(403, wireError('FORBIDDEN', `route requires scope "${required}"`, { details: { code: 'MISSING_SCOPE', requiredScope: required } }));
    }
    const rate = await runtime.limiter.takeRequest(`cred:${outcome.subject ?? 'anonymous'}`);
    if (!rate.allowed) return fail(429, wireError('RATE_LIMITED', 'request rate over the limit', { retryAfterMs: rate.retryAfterMs }));
    const auth = { scopes: impliedScopes(outcome.rank), ...(outcome.subject !== undefined ? { subject: outcome.subject } : {}) };
    context = { auth, remoteAddress: client.ip };
  }
  await route.handler(req, res, context);
}

/** `Bearer <secret>` is tried as a token and as the password: each auth plugin checks its own. */
function bearer(header: string | undefined): { token?: string; password?: string } {
  const match = header === undefined ? null : /^Bearer[ ]+([^ ]+)[ ]*$/i.exec(header);
  return match ? { token: match[1] as string, password: match[1] as string } : {};
}
