import { Ajv } from 'ajv';
import { rateLimitServiceRef } from '../../../sdk/rate-limit/index.ts';
import { describe, expect, it } from 'vitest';
import errorSchema from '../../../schemas/protocol/error.json' with { type: 'json' };
import helloOkSchema from '../../../schemas/protocol/hello-ok.json' with { type: 'json' };
import serverFrameSchema from '../../../schemas/protocol/server-frame.json' with { type: 'json' };
import { definePlugin } from '../../../core/plugin.ts';
import { defineMethod } from '../../../sdk/gateway/index.ts';
import { connectClient, logText, openClient, PASSWORD, startGateway } from './helpers.ts';
import { encodeFrame, rawWebSocket } from './raw.ts';

function protocolValidators() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(errorSchema);
  return { frame: ajv.compile(serverFrameSchema), hello: ajv.compile(helloOkSchema) };
}

describe('gateway handshake', () => {
  it('connect → hello-ok with protocol, server, scopes, methods and policy (schema-valid frames)', async () => {
    const { url } = await startGateway();
    const client = openClient(url);
    const hello = await client.connect({ password: PASSWORD });
    const validate = protocolValidators();
    expect(validate.frame(hello), JSON.stringify(validate.frame.errors)).toBe(true);
    expect(validate.hello(hello.payload), JSON.stringify(validate.hello.errors)).toBe(true);
    expect(hello.payload).toMatchObject({
      type: 'hello-ok',
      protocol: 1,
      scopes: ['read', 'write', 'admin'],
      methods: ['health', 'ping', 'status'],
      policy: { maxPayload: 26214400, maxBufferedBytes: 16777216, heartbeatIntervalMs: 30000, requestTimeoutMs: 30000, maxInflight: 128, rateLimit: { enabled: true, requestsPerMinute: 1000, burstSize: 100 } },
    });
    const ping = await client.request('ping');
    expect(ping).toMatchObject({ type: 'res', ok: true, payload: { pong: true } });
    const health = await client.request('health');
    expect(health.payload).toMatchObject({ status: 'ready', components: {} });
    const status = await client.request('status');
    expect(status.payload).toMatchObject({ connections: 1, authMode: 'password', bind: 'loopback', methods: 3 });
    for (const frame of client.frames) expect(validate.frame(frame), JSON.stringify(validate.frame.errors)).toBe(true);
  });

  it('AU-03: a wrong and a missing secret get the same generic error and close 1008; only the wrong one counts as a failure (IN-19: no credential verifies nothing)', async () => {
    const { url, kernel } = await startGateway();
    const wrong = openClient(url);
    const wrongAnswer = await wrong.connect({ password: 'not-the-password' });
    const missing = openClient(url);
    const missingAnswer = await missing.connect({});
    expect(wrongAnswer.error).toEqual({ code: 'UNAUTHORIZED', message: 'authentication failed' });
    expect(missingAnswer.error).toEqual(wrongAnswer.error);
    expect(await wrong.closed).toEqual({ code: 1008, reason: 'authentication failed' });
    expect(await missing.closed).toEqual({ code: 1008, reason: 'authentication failed' });
    expect(kernel.use(rateLimitServiceRef).size().authKeys).toBe(1);
    const remaining = kernel.logs.filter((record) => record.msg === 'gateway authentication failed').map((record) => record.remaining);
    expect(remaining).toEqual([9]);
  });

  it('AU-14: the first request must be connect; anything before it is refused and closes', async () => {
    const { url } = await startGateway();
    const early = openClient(url);
    expect((await early.request('health')).error).toEqual({ code: 'UNAUTHORIZED', message: 'the first request must be "connect"' });
    expect((await early.closed).code).toBe(1008);
  });

  it('invalid connect params name the JSON path; unsupported protocol lists what is supported', async () => {
    const { url } = await startGateway();
    const bad = openClient(url);
    const answer = await bad.request('connect', { minProtocol: 1, maxProtocol: 1, client: { id: 'x' }, auth: { password: 42 } });
    expect(answer.error).toEqual({ code: 'INVALID_REQUEST', message: '/params/client/version is required' });
    expect((await bad.closed).code).toBe(1008);
    const future = openClient(url);
    const refused = await future.request('connect', { minProtocol: 7, maxProtocol: 9, client: { id: 'x', version: '1' }, auth: { password: PASSWORD } });
    expect(refused.error).toEqual({ code: 'PROTOCOL_UNSUPPORTED', message: 'no common protocol version: the client speaks 7..9', details: { supported: [1] } });
  });

  it('AU-10: credentials in the URL query are ignored and never logged', async () => {
    const { url, kernel } = await startGateway();
    const client = openClient(`${url}?token=canary-query-token-5d4c&password=${PASSWORD}`);
    expect((await client.connect({})).error?.code).toBe('UNAUTHORIZED');
    await client.closed;
    expect(logText(kernel)).not.toContain('canary-query-token-5d4c');
  });

  it('the secret never reaches the log (canary)', async () => {
    const canary = 'canary-password-8e7f6a5b4c3d';
    const { url, kernel } = await startGateway({ gateway: { auth: { mode: 'password', password: canary } }, logLevel: 'trace' });
    const ok = await connectClient(url, { password: canary });
    await ok.request('status');
    const bad = openClient(url);
    await bad.connect({ password: `${canary}-wrong` });
    await bad.closed;
    expect(logText(kernel)).not.toContain('canary-password');
  });
});

describe('scopes granted by the server', () => {
  function scopedPlugins(calls: string[]) {
    return definePlugin({
      name: 'test-scopes',
      version: '1.0.0',
      setup(ctx) {
        // Runs before the first-party taps: a read-only credential of its own.
        ctx.hooks.authenticate.tapPromise({ name: ctx.name, stage: -10 }, async (request) =>
          request.credential.token === 'reader-token-0123456789abcdef' ? { ok: true, scopes: ['read'], subject: 'reader' } : undefined);
        defineMethod(ctx, { name: 'admin.reset', scope: 'admin', handler: () => { calls.push('admin.reset'); return { reset: true }; } });
        defineMethod(ctx, { name: 'notes.add', scope: 'write', handler: () => { calls.push('notes.add'); return { added: true }; } });
      },
    });
  }

  it('AU-13: a read-only credential that declares admin gets read only; admin methods answer FORBIDDEN and never run', async () => {
    const calls: string[] = [];
    const { url } = await startGateway({ extra: [scopedPlugins(calls)] });
    const reader = openClient(url);
    const hello = await reader.connect({ token: 'reader-token-0123456789abcdef' }, { scopes: ['admin'] });
    expect(hello.payload).toMatchObject({ scopes: ['read'], methods: ['health', 'ping', 'status'] });
    const denied = await reader.request('admin.reset');
    expect(denied.error).toEqual({
      code: 'FORBIDDEN',
      message: 'method "admin.reset" requires scope "admin"',
      details: { code: 'MISSING_SCOPE', requiredScope: 'admin', grantedScopes: ['read'] },
    });
    expect((await reader.request('notes.add')).error?.code).toBe('FORBIDDEN');
    expect(calls).toEqual([]);
    expect((await reader.request('ping')).ok).toBe(true);
  });

  it('AU-13: an operator can narrow its own scopes; unknown scope strings are rejected', async () => {
    const calls: string[] = [];
    const { url } = await startGateway({ extra: [scopedPlugins(calls)] });
    const narrowed = openClient(url);
    const hello = await narrowed.connect({ password: PASSWORD }, { scopes: ['write'] });
    expect(hello.payload).toMatchObject({ scopes: ['read', 'write'], methods: ['health', 'notes.add', 'ping', 'status'] });
    expect((await narrowed.request('notes.add')).ok).toBe(true);
    expect((await narrowed.request('admin.reset')).error?.code).toBe('FORBIDDEN');
    const full = await connectClient(url);
    expect((await full.request('admin.reset')).payload).toEqual({ reset: true });
    expect(calls).toEqual(['notes.add', 'admin.reset']);
    const unknown = openClient(url);
    const refused = await unknown.connect({ password: PASSWORD }, { scopes: ['operator.admin'] });
    expect(refused.error).toEqual({ code: 'INVALID_REQUEST', message: '/params/scopes/0 must be one of "read", "write", "admin"' });
  });
});

describe('connection hook', () => {
  it('runs after authentication with what the server granted, before hello-ok', async () => {
    const seen: unknown[] = [];
    const watcher = definePlugin({
      name: 'watcher',
      version: '1.0.0',
      setup(ctx) {
        ctx.hooks.connection.tapPromise(ctx.name, async (info) => { seen.push(info); });
      },
    });
    const { url } = await startGateway({ extra: [watcher] });
    const client = openClient(url);
    const hello = await client.connect({ password: PASSWORD }, { scopes: ['write'] });
    expect(seen).toEqual([{ id: hello.payload.server.connId, remoteAddress: '127.0.0.1', scopes: ['read', 'write'], subject: 'password' }]);
    expect(Object.isFrozen(seen[0])).toBe(true);
  });
});

describe('requests pipelined after connect (sent before hello-ok)', () => {
  /** A plugin whose connection tap takes `delayMs` (hello-ok waits for it) and a method that counts its calls. */
  function slowHello(delayMs: number, calls: string[]) {
    return definePlugin({
      name: 'slow-hello',
      version: '1.0.0',
      setup(ctx) {
        ctx.hooks.connection.tapPromise(ctx.name, () => new Promise((resolve) => setTimeout(resolve, delayMs)));
        defineMethod(ctx, { name: 'probe.touch', scope: 'write', handler: (params: { n: number }) => { calls.push(`touch ${params.n}`); return { n: params.n }; } });
      },
    });
  }

  it('are answered after hello-ok, in the order sent, with the scopes connect granted — also those that arrive while the connection tap runs', async () => {
    const calls: string[] = [];
    const { url } = await startGateway({ extra: [slowHello(150, calls)] });
    const client = openClient(url);
    const hello = client.connect({ password: PASSWORD });
    const answers = [client.request('probe.touch', { n: 1 }), client.request('ping')];
    // Sent once the server has surely opened the connection and is inside the slow tap.
    await new Promise((resolve) => setTimeout(resolve, 60));
    answers.push(client.request('probe.touch', { n: 2 }));
    expect((await hello).ok).toBe(true);
    const [first, ping, second] = await Promise.all(answers);
    expect([first!.payload, ping!.ok, second!.payload]).toEqual([{ n: 1 }, true, { n: 2 }]);
    expect(client.frames.map((frame) => frame.payload?.type ?? frame.payload?.n ?? (frame.payload?.pong === true ? 'pong' : frame.type))).toEqual(['hello-ok', 1, 'pong', 2]);
    expect(calls).toEqual(['touch 1', 'touch 2']);
  });

  it('a refused connect drops them: nothing runs, the only answer is the refusal', async () => {
    const calls: string[] = [];
    const { url } = await startGateway({ extra: [slowHello(0, calls)] });
    const client = openClient(url);
    const refused = client.connect({ password: 'not-the-password' });
    void client.request('probe.touch', { n: 1 });
    expect((await refused).error).toEqual({ code: 'UNAUTHORIZED', message: 'authentication failed' });
    expect(await client.closed).toEqual({ code: 1008, reason: 'authentication failed' });
    expect(calls).toEqual([]);
    expect(client.frames).toHaveLength(1);
  });

  it('a narrowed connect holds them to the narrowed scopes', async () => {
    const calls: string[] = [];
    const { url } = await startGateway({ extra: [slowHello(0, calls)] });
    const client = openClient(url);
    void client.connect({ password: PASSWORD }, { scopes: ['read'] });
    const denied = await client.request('probe.touch', { n: 1 });
    expect(denied.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(calls).toEqual([]);
  });

  it('more than maxPreAuthPayload bytes or maxInflight frames before hello-ok closes the connection, naming both limits', async () => {
    const calls: string[] = [];
    const { url } = await startGateway({ options: { maxPreAuthPayload: 4096, maxInflight: 3 }, extra: [slowHello(100, calls)] });
    const bytes = openClient(url);
    void bytes.connect({ password: PASSWORD });
    for (let n = 0; n < 2; n++) void bytes.request('probe.touch', { n, pad: 'x'.repeat(2_500) });
    expect(await bytes.closed).toEqual({ code: 1008, reason: 'too much sent before connect completed' });
    const count = openClient(url);
    void count.connect({ password: PASSWORD });
    for (let n = 0; n < 4; n++) void count.request('ping');
    expect(await count.closed).toEqual({ code: 1008, reason: 'too much sent before connect completed' });
    const refusal = count.frames.find((frame) => frame.ok === false);
    expect(refusal?.error).toEqual({ code: 'INVALID_REQUEST', message: "more than 4096 bytes or 3 requests sent between connect and hello-ok (the gateway plugin's maxPreAuthPayload and maxInflight options); wait for hello-ok" });
    expect(calls).toEqual([]);
  });

  it('a connection closed while its credential is being checked is not opened once the check passes', async () => {
    const opened: string[] = [];
    const slowCheck = definePlugin({
      name: 'slow-check',
      version: '1.0.0',
      setup(ctx) {
        // Runs first and decides nothing: the password plugin answers after it.
        ctx.hooks.authenticate.tapPromise({ name: ctx.name, stage: -10 }, () => new Promise((resolve) => setTimeout(() => resolve(undefined), 150)));
        ctx.hooks.connection.tapPromise(ctx.name, async (info) => { opened.push(info.id); });
      },
    });
    const { port } = await startGateway({ options: { maxInflight: 2 }, extra: [slowCheck] });
    // A raw client that never answers the server's close frame: the socket stays half-closed
    // while the check runs (a library client's close would end the connection first).
    const raw = await rawWebSocket(port);
    const frame = (value: unknown) => encodeFrame(1, Buffer.from(JSON.stringify(value)));
    raw.socket.write(frame({ type: 'req', id: 'c', method: 'connect', params: { minProtocol: 1, maxProtocol: 1, client: { id: 'raw', version: '1' }, auth: { password: PASSWORD } } }));
    for (let n = 0; n < 3; n++) raw.socket.write(frame({ type: 'req', id: `p${n}`, method: 'ping' }));
    expect(await raw.closeCode).toBe(1008);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(opened).toEqual([]);
    expect(raw.texts.some((text) => text.includes('"type":"hello-ok"'))).toBe(false);
  });
});
