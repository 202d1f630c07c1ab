/**
 * The first request on a connection: `connect`. Validates its params, negotiates the protocol
 * version, authenticates (auth-flow.ts), narrows scopes to what the client asked for, opens
 * the connection and answers `hello-ok`. Any failure answers an error frame and closes 1008:
 * an unauthenticated client gets exactly one try per connection.
 */
import { CLOSE_CODES, wireError, type WireError, allows, impliedScopes, narrowScopes } from '../../sdk/protocol/index.ts';
import { authenticate } from './auth-flow.ts';
import type { Connection, ConnectionState } from './connection.ts';
import { hasTaps } from '../../sdk/gateway/index.ts';
import type { RequestFrame } from './frames.ts';
import { describeSchemaError, negotiateProtocol, SUPPORTED_PROTOCOLS, type ConnectParams, type HelloOk, validateConnectParams } from './protocol.ts';
import { authenticatedCount, type Runtime } from './runtime.ts';

export async function handleConnect(runtime: Runtime, connection: Connection, frame: RequestFrame): Promise<void> {
  connection.state = 'authenticating';
  const refuse = (error: WireError, reason: string, code: number = CLOSE_CODES.POLICY) => {
    connection.fail(frame.id, error);
    connection.close(code, reason);
  };
  if (!validateConnectParams(frame.params)) {
    return refuse(wireError('INVALID_REQUEST', describeSchemaError(validateConnectParams.errors, '/params')), 'invalid connect params');
  }
  const params = frame.params as ConnectParams;
  const protocol = negotiateProtocol(params);
  if (protocol === undefined) {
    return refuse(
      wireError('PROTOCOL_UNSUPPORTED', `no common protocol version: the client speaks ${params.minProtocol}..${params.maxProtocol}`, { details: { supported: SUPPORTED_PROTOCOLS } }),
      'protocol version not supported',
    );
  }
  const outcome = await authenticate(runtime, {
    transport: 'ws',
    ip: connection.ip,
    source: connection.source,
    local: connection.local,
    origin: connection.origin,
    credential: params.auth,
  });
  // The client may have left, or the connection been closed (handshake timeout, too much
  // pipelined), while the authenticate taps ran: a closing socket is not opened.
  if ((connection.state as ConnectionState) === 'closed' || connection.closing) return;
  if (!outcome.ok) {
    return refuse(outcome.error, outcome.error.code === 'AUTH_RATE_LIMITED' ? 'too many failed attempts' : outcome.error.code === 'AUTH_NOT_CONFIGURED' ? 'auth is not configured' : 'authentication failed');
  }
  const rank = narrowScopes(outcome.rank, params.scopes);
  if (rank === 0) return refuse(wireError('FORBIDDEN', 'no scope left after narrowing to the requested scopes'), 'no scopes');
  // Checked again here: authenticated clients may have arrived since the upgrade.
  if (authenticatedCount(runtime) >= runtime.settings.maxConnections) {
    return refuse(wireError('UNAVAILABLE', 'too many connections (gateway.maxConnections)', { retryAfterMs: 5_000 }), 'too many connections', CLOSE_CODES.TRY_AGAIN);
  }
  runtime.preAuth.release(connection);
  connection.open({ rank, subject: outcome.subject, maxPayload: runtime.settings.maxPayload });
  if (runtime.log.isLevelEnabled('debug')) {
    runtime.log.debug({ connId: connection.id, ip: connection.ip, origin: connection.origin, client: params.client.id, subject: outcome.subject }, 'gateway client connected');
  }
  try {
    await runtime.hooks.connection.promise(connection.info!);
  } catch (error) {
    runtime.log.error({ err: error, connId: connection.id }, 'a connection tap failed');
  }
  connection.send(helloOk(runtime, rank, protocol, frame.id, connection.id));
}

const helloTemplates = new WeakMap<Runtime, Map<string, [string, string, string]>>();

/**
 * The hello-ok response as JSON. Everything but the request id and the connection id is the
 * same for every client of a rank, so it is serialised once (schemas/protocol/hello-ok.json).
 */
function helloOk(runtime: Runtime, rank: number, protocol: number, id: RequestFrame['id'], connId: string): string {
  let byKey = helloTemplates.get(runtime);
  if (byKey === undefined) helloTemplates.set(runtime, (byKey = new Map()));
  const key = `${rank}:${protocol}`;
  let template = byKey.get(key);
  if (template === undefined) {
    const { settings } = runtime;
    const rest: Omit<HelloOk, 'type' | 'protocol' | 'server'> = {
      scopes: impliedScopes(rank),
      methods: availableMethods(runtime, rank),
      policy: {
        maxPayload: settings.maxPayload,
        maxBufferedBytes: settings.maxBufferedBytes,
        heartbeatIntervalMs: settings.heartbeatIntervalMs,
        requestTimeoutMs: settings.requestTimeoutMs,
        maxInflight: settings.maxInflight,
        rateLimit: { ...runtime.limiter.requestLimits },
      },
    };
    template = [
      '{"type":"res","id":',
      `,"ok":true,"payload":{"type":"hello-ok","protocol":${protocol},"server":{"version":${JSON.stringify(runtime.version)},"connId":`,
      `},${JSON.stringify(rest).slice(1)}}`,
    ];
    byKey.set(key, template);
  }
  return `${template[0]}${JSON.stringify(id)}${template[1]}${JSON.stringify(connId)}${template[2]}`;
}

const methodLists = new WeakMap<Runtime, Map<number, string[]>>();

/**
 * Declared methods whose scope the rank allows, plus undeclared `rpc` taps for admins. Taps
 * only happen in setup, so the list per rank is computed once, not per handshake.
 */
export function availableMethods(runtime: Runtime, rank: number): string[] {
  let byRank = methodLists.get(runtime);
  if (byRank === undefined) methodLists.set(runtime, (byRank = new Map()));
  let names = byRank.get(rank);
  if (names === undefined) byRank.set(rank, (names = listMethods(runtime, rank)));
  return names;
}

function listMethods(runtime: Runtime, rank: number): string[] {
  const names = runtime.registry.list().filter((method) => allows(rank, method.scope)).map((method) => method.name);
  if (allows(rank, 'admin')) {
    for (const name of undeclaredMethods(runtime)) names.push(name);
  }
  return names.sort();
}

/** `rpc` taps made without defineMethod(): callable by admins only (no declared scope). */
export function undeclaredMethods(runtime: Runtime): string[] {
  // tapable keeps the created hooks in `_map` and offers no way to list them.
  const map = (runtime.hooks.rpc as unknown as { _map?: unknown })._map;
  if (!(map instanceof Map)) return [];
  return [...(map as Map<string, unknown>).entries()].filter(([name, hook]) => hasTaps(hook) && runtime.registry.get(name) === undefined).map(([name]) => name);
}
