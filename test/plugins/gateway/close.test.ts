import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { defineMethod } from '../../../sdk/gateway/index.ts';
import { connectClient, openClient, startGateway } from './helpers.ts';

const slowMethod = definePlugin({
  name: 'test-slow',
  version: '1.0.0',
  setup(ctx) {
    defineMethod(ctx, { name: 'slow.op', scope: 'write', handler: () => new Promise((resolve) => setTimeout(() => resolve({ finished: true }), 150)) });
  },
});

describe('graceful close', () => {
  it('stops accepting, announces shutdown, drains in-flight requests, then closes clients with 1001', async () => {
    const { url, kernel, service } = await startGateway({ extra: [slowMethod] });
    const client = await connectClient(url);
    const shutdown = client.nextEvent('shutdown');
    const inFlight = client.request('slow.op');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closing = kernel.close();
    expect((await shutdown).payload).toEqual({ reason: 'shutdown' });
    const late = await client.request('ping');
    expect(late.error).toEqual({ code: 'UNAVAILABLE', message: 'the gateway is shutting down', retryAfterMs: 1000 });
    await expect(openClient(url).opened).rejects.toThrow();
    expect((await inFlight).payload).toEqual({ finished: true });
    expect(await client.closed).toEqual({ code: 1001, reason: 'gateway shutting down' });
    await closing;
    expect(service.connections).toBe(0);
    expect(kernel.phase).toBe('closed');
  });

  it('a restart announced through the service closes clients with 1012', async () => {
    const { url, kernel, service } = await startGateway();
    const client = await connectClient(url);
    const shutdown = client.nextEvent('shutdown');
    service.announceRestart();
    await kernel.close();
    expect((await shutdown).payload).toEqual({ reason: 'restart' });
    expect(await client.closed).toEqual({ code: 1012, reason: 'gateway restarting' });
  });

  it('a client that ignores the close frame is cut off after closeGraceMs', async () => {
    const { url, kernel } = await startGateway({ options: { closeGraceMs: 100 } });
    const client = await connectClient(url);
    // Stop reading: the close frame is never answered.
    (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const began = Date.now();
    await kernel.close();
    expect(Date.now() - began).toBeLessThan(1_000);
  });

  it('one gateway per state dir: a second one fails to start naming the first; after close the dir is free', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'moltbot-gw-lock-'));
    onTestFinished(() => rmSync(stateDir, { recursive: true, force: true }));
    const first = await startGateway({ env: { MOLTBOT_STATE_DIR: stateDir } });
    await expect(startGateway({ env: { MOLTBOT_STATE_DIR: stateDir } })).rejects.toThrow(/another gateway \(pid \d+, started .*\) uses the state dir/);
    await first.kernel.close();
    const second = await startGateway({ env: { MOLTBOT_STATE_DIR: stateDir } });
    expect(second.service.address()).toBeDefined();
  });
});
