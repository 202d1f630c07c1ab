/**
 * GatewayService.call / connect: RPC methods in process, through the gates a WebSocket request
 * passes (dispatch.ts), with the scopes given as the grant.
 */
import { describe, expect, it } from 'vitest';
import { definePlugin, defineErrors, MoltbotError } from 'moltbot/plugin-sdk/core';
import { defineMethod, gatewayServiceRef, RpcError, sendJson } from 'moltbot/plugin-sdk/gateway';
import { connectClient, PASSWORD, startGateway } from './helpers.ts';

const READER_TOKEN = 'reader-token-for-in-process-tests';

/** Grants `read` only to READER_TOKEN, before the first-party auth taps. */
const readerCredential = definePlugin({
  name: 'test-reader',
  version: '1.0.0',
  setup(ctx) {
    ctx.hooks.authenticate.tapPromise({ name: ctx.name, stage: -10 }, async (request) =>
      request.credential.token === READER_TOKEN ? { ok: true, scopes: ['read'], subject: 'reader' } : undefined);
  },
});

const codes = defineErrors('in-process-test', { INPROC_ERR_LOCKED: { title: 'Note locked', fix: 'Unlock it first.' } });

function notesPlugin(seen: { connections: string[]; runs: number; disconnected: string[] }) {
  return definePlugin({
    name: 'notes',
    version: '1.0.0',
    consumes: [gatewayServiceRef],
    setup(ctx) {
      defineMethod<{ text: string }>(ctx, {
        name: 'notes.read',
        scope: 'read',
        params: { type: 'object', additionalProperties: false, required: ['text'], properties: { text: { type: 'string', minLength: 1 } } },
        handler: (params, rpc) => {
          seen.connections.push(rpc.connection.id);
          return { echo: params.text, scopes: rpc.connection.scopes, subject: rpc.connection.subject ?? null };
        },
      });
      defineMethod(ctx, {
        name: 'notes.write',
        scope: 'write',
        handler: (_params, rpc) => {
          seen.runs++;
          // An event to the calling connection, as chat.send streams chat.delta / chat.final.
          ctx.use(gatewayServiceRef).sendTo(rpc.connection.id, 'notes.written', { run: seen.runs });
          return { run: seen.runs };
        },
      });
      defineMethod(ctx, { name: 'notes.locked', scope: 'read', errors: codes, handler: () => { throw new MoltbotError(codes.INPROC_ERR_LOCKED, { message: 'the note is locked' }); } });
      defineMethod(ctx, { name: 'notes.slow', scope: 'read', handler: (_params, rpc) => new Promise((resolve) => rpc.signal.addEventListener('abort', () => resolve('aborted'))) });
      ctx.hooks.start.tap(ctx.name, () => { ctx.use(gatewayServiceRef).onDisconnect((id) => seen.disconnected.push(id)); });
      // A route acting for its caller: the grant of the route's authentication, as /mcp does.
      ctx.hooks.httpRoute.tap(ctx.name, (router) => router.route({
        method: 'POST', path: '/notes/write', scope: 'read',
        handler: async (_req, res, context) => {
          try {
            sendJson(res, 200, { ok: true, result: await ctx.use(gatewayServiceRef).call('notes.write', {}, { ...context!.auth!, remoteAddress: context!.remoteAddress }) });
          } catch (error) {
            sendJson(res, 403, { ok: false, code: (error as RpcError).code, message: (error as Error).message });
          }
        },
      }));
    },
  });
}

async function start() {
  const seen = { connections: [] as string[], runs: 0, disconnected: [] as string[] };
  const h = await startGateway({ extra: [readerCredential, notesPlugin(seen)] });
  return { ...h, seen };
}

async function refusal(work: Promise<unknown>): Promise<RpcError> {
  const error = await work.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(RpcError);
  return error as RpcError;
}

describe('GatewayService.call', () => {
  it('runs a method with the granted scopes and subject, no socket opened', async () => {
    const { service } = await start();
    const result = await service.call('notes.read', { text: 'hi' }, { scopes: ['write'], subject: 'owner' });
    // write implies read, as for a WebSocket grant.
    expect(result).toEqual({ echo: 'hi', scopes: ['read', 'write'], subject: 'owner' });
    expect(service.connections).toBe(0);
  });

  it('refuses a method above the granted scope with FORBIDDEN, before the handler runs', async () => {
    const { service, seen } = await start();
    const error = await refusal(service.call('notes.write', {}, { scopes: ['read'], subject: 'reader' }));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toBe('method "notes.write" requires scope "write"');
    expect(error.details).toMatchObject({ code: 'MISSING_SCOPE', requiredScope: 'write', grantedScopes: ['read'] });
    expect(seen.runs).toBe(0);
    // No scopes at all: not even read.
    expect((await refusal(service.call('notes.read', { text: 'x' }, { scopes: [] }))).code).toBe('FORBIDDEN');
  });

  it('refuses bad params with INVALID_REQUEST naming the path, and unknown methods with METHOD_NOT_FOUND', async () => {
    const { service, seen } = await start();
    const bad = await refusal(service.call('notes.read', { text: 42 }, { scopes: ['admin'] }));
    expect(bad.code).toBe('INVALID_REQUEST');
    expect(bad.message).toMatch(/\/params\/text/);
    const missing = await refusal(service.call('notes.read', undefined, { scopes: ['admin'] }));
    expect(missing.code).toBe('INVALID_REQUEST');
    const unknown = await refusal(service.call('notes.nope', {}, { scopes: ['admin'] }));
    expect(unknown.code).toBe('METHOD_NOT_FOUND');
    expect(unknown.details).toEqual({ method: 'notes.nope' });
    expect(seen.connections).toEqual([]);
  });

  it('answers the same as the WebSocket path for the same request', async () => {
    const { service, url } = await start();
    const ws = await connectClient(url);
    for (const [method, params] of [['notes.read', { text: 7 }], ['notes.nope', {}], ['notes.locked', {}]] as const) {
      const frame = await ws.request(method, params);
      const error = await refusal(service.call(method, params, { scopes: ['admin'] }));
      expect({ code: error.code, message: error.message, details: error.details }).toEqual({ code: frame.error!.code, message: frame.error!.message, details: frame.error!.details });
    }
  });

  it('answers a method\'s declared error code as itself', async () => {
    const { service } = await start();
    const error = await refusal(service.call('notes.locked', {}, { scopes: ['read'] }));
    expect(error.code).toBe('INPROC_ERR_LOCKED');
    expect(error.details).toMatchObject({ fix: 'Unlock it first.' });
  });

  it('honours idempotency keys per subject and method', async () => {
    const { service, seen } = await start();
    const first = await service.call('notes.write', {}, { scopes: ['write'], subject: 'owner', idempotencyKey: 'k1' });
    const again = await service.call('notes.write', {}, { scopes: ['write'], subject: 'owner', idempotencyKey: 'k1' });
    const other = await service.call('notes.write', {}, { scopes: ['write'], subject: 'someone-else', idempotencyKey: 'k1' });
    expect([first, again, other]).toEqual([{ run: 1 }, { run: 1 }, { run: 2 }]);
    expect(seen.runs).toBe(2);
  });

  it('refuses scopes that are not scopes, and calls while the gateway is stopped', async () => {
    const { service, kernel } = await start();
    await expect(service.call('notes.read', { text: 'x' }, { scopes: ['root' as 'admin'] })).rejects.toThrow(/scopes must be an array of "read", "write", "admin"/);
    await kernel.close();
    expect((await refusal(service.call('notes.read', { text: 'x' }, { scopes: ['read'] }))).code).toBe('UNAVAILABLE');
  });

  it('a cancelled signal cancels the request (UNAVAILABLE), as a closing connection does', async () => {
    const { service } = await start();
    const controller = new AbortController();
    const pending = refusal(service.call('notes.slow', {}, { scopes: ['read'], signal: controller.signal }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    const error = await pending;
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.message).toBe('request cancelled: cancelled by the caller');
  });
});

describe('an HTTP route calling in process with context.auth', () => {
  it('acts with the scopes its Bearer authentication granted: read cannot call a write method, the password can', async () => {
    const { service, httpUrl, seen } = await start();
    const post = (secret: string) => fetch(`${httpUrl}/notes/write`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
    const reader = await post(READER_TOKEN);
    expect(await reader.json()).toEqual({ ok: false, code: 'FORBIDDEN', message: 'method "notes.write" requires scope "write"' });
    expect(seen.runs).toBe(0);
    const owner = await post(PASSWORD);
    expect(await owner.json()).toEqual({ ok: true, result: { run: 1 } });
    expect(service.connections).toBe(0);
  });
});

describe('GatewayService.connect', () => {
  it('events addressed to the connection reach its listeners; close runs disconnect listeners', async () => {
    const { service, seen } = await start();
    const connection = service.connect({ scopes: ['write'], subject: 'owner' });
    const events: [string, unknown][] = [];
    connection.onEvent((event, payload) => events.push([event, payload]));
    const reasons: string[] = [];
    connection.onClose((reason) => reasons.push(reason));
    expect(await connection.call('notes.write')).toEqual({ run: 1 });
    expect(events).toEqual([['notes.written', { run: 1 }]]);
    expect(() => service.sendTo(connection.id, 'bad name!', {})).toThrow(/invalid event name/);
    connection.close('done');
    expect(connection.open).toBe(false);
    expect(reasons).toEqual(['done']);
    expect(seen.disconnected).toEqual([connection.id]);
    expect(service.sendTo(connection.id, 'notes.written', {})).toBe(false);
    expect((await refusal(connection.call('notes.write'))).code).toBe('UNAVAILABLE');
  });

  it('revoke(subject) closes in-process connections of that subject too', async () => {
    const { service } = await start();
    const owner = service.connect({ scopes: ['read'], subject: 'owner' });
    const other = service.connect({ scopes: ['read'], subject: 'other' });
    expect(service.revoke('owner', 'token rotated')).toBe(1);
    expect([owner.open, other.open]).toEqual([false, true]);
  });

  it('a running request is cancelled when the connection closes', async () => {
    const { service } = await start();
    const connection = service.connect({ scopes: ['read'] });
    const pending = refusal(connection.call('notes.slow'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    connection.close();
    expect((await pending).message).toBe('request cancelled: connection closed');
  });
});
