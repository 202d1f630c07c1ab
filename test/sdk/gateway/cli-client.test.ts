import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { callGateway, cliCredential, gatewayUrl, retryHint } from '../../../sdk/gateway/cli-client.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { PASSWORD, startGateway } from '../../plugins/gateway/helpers.ts';

describe('gateway CLI client', () => {
  it('calls a method with the configured password', async () => {
    const { kernel, url } = await startGateway();
    const stateDir = join(kernel.tempDir, 'state');
    const fromConfig = await cliCredential(kernel.config, stateDir);
    expect(fromConfig).toEqual({ password: PASSWORD });
    expect(await callGateway(url, fromConfig, 'ping')).toBeDefined();
  });

  it('with no secret configured, uses the token the gateway generated in the state dir', async () => {
    const { kernel, url } = await startGateway({ gateway: { auth: { mode: 'password' } } });
    const credential = await cliCredential(kernel.config, join(kernel.tempDir, 'state'));
    expect(Object.keys(credential)).toEqual(['token']);
    expect(await callGateway(url, credential, 'ping')).toBeDefined();
  });

  it('rejects with the gateway error code and never echoes the credential', async () => {
    const { url } = await startGateway();
    const error = await callGateway(url, { password: 'wrong-secret-canary-1234' }, 'ping').catch((e: Error & { code?: string }) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: string }).code).toMatch(/^[A-Z_]+$/);
    expect((error as Error).message).not.toContain('wrong-secret-canary-1234');
  });

  it('IN-21: a locked-out CLI is told when to retry (retryAfterMs on the error and in the message it prints)', async () => {
    const { url } = await startGateway({ rateLimit: { auth: { maxAttempts: 2, lockoutMs: 120_000 } } });
    for (let i = 0; i < 2; i++) await callGateway(url, { password: 'wrong-password' }, 'ping').catch(() => undefined);
    const error = (await callGateway(url, { password: PASSWORD }, 'ping').catch((e: unknown) => e)) as Error & { code?: string; retryAfterMs?: number };
    expect(error.code).toBe('AUTH_RATE_LIMITED');
    expect(error.retryAfterMs).toBeGreaterThan(110_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(120_000);
    expect(error.message).toMatch(/^gateway refused the connection: AUTH_RATE_LIMITED too many failed authentication attempts; try again later \(retry in (1 min 5\d s|2 min), at \d\d:\d\d:\d\d UTC\)$/);
  });

  it('IN-21: a CLI command against a gateway that locked it out prints the code and when to retry', async () => {
    const { url, port } = await startGateway({ rateLimit: { auth: { maxAttempts: 2 } } });
    for (let i = 0; i < 2; i++) await callGateway(url, { password: 'wrong-password' }, 'ping').catch(() => undefined);
    const { dir } = useTempDir();
    writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({ preset: 'none', plugins: ['cron'], gateway: { port, auth: { mode: 'password', password: '${GW_PW}' } } }));
    const result = await runCliCaptured(['cron', 'list'], { cwd: dir, env: { GW_PW: PASSWORD } });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/AUTH_RATE_LIMITED too many failed authentication attempts; try again later \(retry in (4 min 5\d s|5 min), at \d\d:\d\d:\d\d UTC\)/);
    expect(result.stderr).not.toContain(PASSWORD);
  });

  it('sends its call right after connect, without waiting for hello-ok (one round trip less)', async () => {
    // A server that answers nothing until it has heard both frames: a client waiting for
    // hello-ok before its call would never get an answer.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const seen: string[] = [];
    server.on('connection', (ws) => ws.on('message', (data) => {
      seen.push((JSON.parse(data.toString()) as { method: string }).method);
      if (seen.length < 2) return;
      ws.send(JSON.stringify({ type: 'res', id: 'connect', ok: true, payload: { type: 'hello-ok' } }));
      ws.send(JSON.stringify({ type: 'res', id: 'call', ok: true, payload: { pong: true } }));
    }));
    const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/`;
    expect(await callGateway(url, { password: PASSWORD }, 'ping')).toEqual({ pong: true });
    expect(seen).toEqual(['connect', 'ping']);
  });

  it('against a gateway older than pipelining (it refuses a request before hello-ok, unrun), calls again waiting for hello-ok', async () => {
    // As gateways before pipelining answered: a request while connect is being checked is
    // refused and the connection closed; one after hello-ok is answered.
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    let connections = 0;
    const ran: string[] = [];
    server.on('connection', (ws) => {
      connections++;
      let state: 'handshake' | 'authenticating' | 'open' = 'handshake';
      ws.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as { id: string; method: string };
        if (state === 'handshake') {
          state = 'authenticating';
          setTimeout(() => {
            if (ws.readyState !== ws.OPEN) return;
            state = 'open';
            ws.send(JSON.stringify({ type: 'res', id: frame.id, ok: true, payload: { type: 'hello-ok' } }));
          }, 20);
        } else if (state === 'authenticating') {
          ws.send(JSON.stringify({ type: 'res', id: frame.id, ok: false, error: { code: 'UNAUTHORIZED', message: 'wait for the connect response before sending requests' } }));
          ws.close(1008, 'request before connect completed');
        } else {
          ran.push(frame.method);
          ws.send(JSON.stringify({ type: 'res', id: frame.id, ok: true, payload: { pong: true } }));
        }
      });
    });
    const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/`;
    expect(await callGateway(url, { password: PASSWORD }, 'ping')).toEqual({ pong: true });
    expect({ connections, ran }).toEqual({ connections: 2, ran: ['ping'] });
  });

  it('retry hints round up to whole seconds', () => {
    const now = Date.parse('2026-12-06T21:00:00Z');
    expect([retryHint(1, now), retryHint(59_001, now), retryHint(300_000, now), retryHint(61_500, now)]).toEqual([
      'retry in 1 s, at 21:00:01 UTC', 'retry in 1 min, at 21:01:00 UTC', 'retry in 5 min, at 21:05:00 UTC', 'retry in 1 min 2 s, at 21:01:02 UTC',
    ]);
  });

  it('derives the URL from gateway.port, bind and ssl', () => {
    expect(gatewayUrl({})).toBe('ws://127.0.0.1:18789/');
    expect(gatewayUrl({ gateway: { port: 1234, ssl: { enabled: true }, bind: 'custom', customBindHost: '::1' } })).toBe('wss://[::1]:1234/');
  });
});

describe('gateway CLI client under a pre-auth flood', () => {
  it('IN-19 #3 follow-up: evicted with 1013 by a loopback flood of idle sockets, the CLI reconnects and its command succeeds', async () => {
    const { url } = await startGateway({ options: { maxPendingHandshakes: 2, maxPendingHandshakesPerIp: 2 } });
    let flooding = true;
    const sockets: WebSocket[] = [];
    // A steady stream of idle sockets from loopback (the CLI's own source): each evicts the oldest idle one.
    const flood = (async () => {
      while (flooding) {
        const batch = Array.from({ length: 3 }, () => new WebSocket(url, { perMessageDeflate: false }));
        for (const socket of batch) socket.on('error', () => undefined);
        sockets.push(...batch);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    try {
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await callGateway(url, { password: PASSWORD }, 'status').then(() => 'ok', (error: Error) => error.message));
      expect(results).toEqual(Array(5).fill('ok'));
    } finally {
      flooding = false;
      await flood;
      for (const socket of sockets) socket.terminate();
    }
  });
});
