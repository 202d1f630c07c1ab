/**
 * The signed route claims a request in the replay memory before the channel's handler runs. A
 * handler that throws (instead of answering and calling release()) must not leave the claim
 * behind: the router answers 500, the sender retries, and the retry has to be processed, not
 * answered "duplicate" and lost.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import pino from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { signatureHeader, signedPostRoute, verifySignature, type ChannelHost, type SeenStore } from '../../../sdk/channels/index.ts';
import type { HttpRouteDefinition } from '../../../sdk/core/index.ts';

const SECRET = 'route-secret-0123456789';

function memorySeen(): SeenStore {
  const keys = new Map<string, number>();
  return {
    async claim(key, ttlMs) {
      if ((keys.get(key) ?? 0) > Date.now()) return false;
      keys.set(key, Date.now() + ttlMs);
      return true;
    },
    async forget(key) { keys.delete(key); },
  };
}

async function serve(handle: (body: Buffer) => Promise<void>): Promise<string> {
  let route: HttpRouteDefinition | undefined;
  const host = { seen: memorySeen() } as unknown as ChannelHost;
  signedPostRoute({ route: (definition) => void (route = definition) }, {
    path: '/hook', channel: 'probe', maxBytes: 4096, replayWindowMs: 60_000, signatureHeader: 'x-signature',
    verify: (req, body) => ({ ok: verifySignature(req.headers['x-signature'], SECRET, '', body) }),
    host: () => host,
    log: pino({ level: 'silent' }),
  }, async ({ body }, res) => {
    await handle(body);
    res.writeHead(202).end();
  });
  // What the gateway's router does with a handler that throws: answer 500.
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    Promise.resolve(route!.handler(req, res)).catch(() => { if (!res.headersSent) res.writeHead(500).end(); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
}

function post(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'x-signature': signatureHeader(SECRET, body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('signedPostRoute', () => {
  it('a handler that throws releases the replay claim, so the sender\'s retry is processed', async () => {
    let calls = 0;
    const url = await serve(async () => {
      calls++;
      if (calls === 1) throw new Error('the store hiccuped');
    });
    const body = JSON.stringify({ text: 'hello' });
    expect(await post(url, body)).toBe(500);
    expect(await post(url, body)).toBe(202);
    expect(calls).toBe(2);
    // Once processed, the same request is a replay again.
    expect(await post(url, body)).toBe(200);
    expect(calls).toBe(2);
  });
});
