import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { defineMethod } from '../../../sdk/gateway/index.ts';
import { connectClient, openClient, PASSWORD, startGateway } from './helpers.ts';

const readerAuth = definePlugin({
  name: 'test-reader',
  version: '1.0.0',
  setup(ctx) {
    ctx.hooks.authenticate.tapPromise({ name: ctx.name, stage: -10 }, async (request) =>
      request.credential.token === 'second-credential-token-0123' ? { ok: true, scopes: ['read'], subject: 'second' } : undefined);
  },
});

describe('backpressure and flow control', () => {
  it('IN-13 / LD-04: a client that stops reading is terminated at maxBufferedBytes; other clients keep receiving', async () => {
    const { url, service, kernel } = await startGateway({ options: { maxBufferedBytes: 65_536 } });
    const slow = await connectClient(url);
    const fast = await connectClient(url);
    const received: number[] = [];
    fast.ws.on('message', (data) => { if (JSON.parse(data.toString()).event === 'bulk') received.push(1); });
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const chunk = 'x'.repeat(512 * 1024);
    let rounds = 0;
    while (service.connections > 1 && rounds < 200) {
      service.broadcast('bulk', { chunk });
      rounds++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(service.connections).toBe(1);
    expect(kernel.logs.some((record) => record.msg === 'gateway terminated a client' && String(record.reason).startsWith('slow consumer'))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.length).toBe(rounds);
    expect((await fast.request('ping')).ok).toBe(true);
  });

  it('IN-15: a flooding connection is throttled with retryAfterMs; another credential is unaffected, the same credential shares its bucket', async () => {
    const { url } = await startGateway({ gateway: { rateLimiting: { enabled: true, requestsPerMinute: 60, burstSize: 5 } }, extra: [readerAuth] });
    const flooder = await connectClient(url);
    const answers = await Promise.all(Array.from({ length: 8 }, () => flooder.request('ping')));
    expect(answers.filter((frame) => frame.ok).length).toBe(5);
    const limited = answers.find((frame) => !frame.ok)!;
    expect(limited.error).toMatchObject({ code: 'RATE_LIMITED', message: 'request rate over the limit', details: { limit: 'connection' } });
    expect(limited.error!.retryAfterMs).toBeGreaterThan(0);
    const other = await connectClient(url, { token: 'second-credential-token-0123' });
    expect((await other.request('ping')).ok).toBe(true);
    const sameCredential = await connectClient(url, { password: PASSWORD });
    expect((await sameCredential.request('ping')).error?.details).toEqual({ limit: 'credential' });
  });

  it('IN-18: a peer that does not answer pings is terminated; one that does stays', async () => {
    const { url, service } = await startGateway({ options: { heartbeatIntervalMs: 100 } });
    const silent = openClient(url, { autoPong: false });
    await silent.connect({ password: PASSWORD });
    const healthy = await connectClient(url);
    expect((await silent.closed).code).toBe(1006);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(healthy.ws.readyState).toBe(1);
    expect(service.connections).toBe(1);
  });

  it('BUSY beyond maxInflight; TIMEOUT after requestTimeout, with the handler\'s signal aborted', async () => {
    const signals: AbortSignal[] = [];
    const slow = definePlugin({
      name: 'test-slow',
      version: '1.0.0',
      setup(ctx) {
        defineMethod(ctx, {
          name: 'slow.wait',
          scope: 'read',
          handler: (_params, rpc) => new Promise((resolve) => {
            signals.push(rpc.signal);
            rpc.signal.addEventListener('abort', () => resolve('aborted'));
          }),
        });
      },
    });
    const { url } = await startGateway({ gateway: { requestTimeout: 150 }, options: { maxInflight: 1 }, extra: [slow] });
    const client = await connectClient(url);
    const first = client.request('slow.wait');
    const second = await client.request('slow.wait');
    expect(second.error).toEqual({ code: 'BUSY', message: 'more than 1 requests in flight on this connection', retryAfterMs: 100 });
    expect((await first).error).toEqual({ code: 'TIMEOUT', message: 'method "slow.wait" did not answer within 150 ms' });
    expect(signals.map((signal) => signal.aborted)).toEqual([true]);
    expect((await client.request('ping')).ok).toBe(true);
  });
});
