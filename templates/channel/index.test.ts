import { createServer, type IncomingMessage } from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createTestKernel } from 'moltbot/testing';
import { channelsServiceRef } from 'moltbot/plugin-sdk/channels';
import plugin, { CHANNEL_ID } from './index.ts';

/** A stand-in for the chat platform: long-polled updates, recorded sends, scriptable failures. */
async function startPlatform() {
  const updates: { id: number; from: string; chat: string; type: 'dm'; text: string }[] = [];
  const sent: { chat: string; text: string }[] = [];
  const sendFailures: number[] = [];
  let updatesDown = false;
  const body = async (req: IncomingMessage) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    return JSON.parse(text || '{}');
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://platform');
    if (url.pathname === '/updates') {
      if (updatesDown) return res.writeHead(500).end();
      const offset = Number(url.searchParams.get('offset'));
      const deadline = Date.now() + 1000;
      while (!updates.some((u) => u.id >= offset) && Date.now() < deadline && !res.destroyed) await new Promise((r) => setTimeout(r, 10));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end(JSON.stringify({ updates: updates.filter((u) => u.id >= offset) }));
    }
    const payload = await body(req);
    if (url.pathname === '/send') {
      const status = sendFailures.shift();
      if (status !== undefined) return res.writeHead(status, { 'Retry-After': '0' }).end();
      sent.push({ chat: payload.chat, text: payload.text });
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ id: sent.length }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`, sent, sendFailures,
    push: (from: string, text: string) => void updates.push({ id: updates.length + 1, from, chat: from, type: 'dm', text }),
    setUpdatesDown: (down: boolean) => { updatesDown = down; },
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 8000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function start() {
  const platform = await startPlatform();
  const kernel = await createTestKernel({ plugins: ['channels', [plugin, { url: platform.url, pollTimeoutSec: 1, maxMessageLength: 50 }]] });
  const channels = kernel.use(channelsServiceRef);
  const status = () => channels.status().find((s) => s.id === CHANNEL_ID)!;
  await until(() => status().state === 'connected', 'connected');
  return { platform, channels, status };
}

describe('__NAME__', () => {
  it('an unknown sender gets a pairing code back on the platform', async () => {
    const { platform } = await start();
    platform.push('Alice', 'hello?');
    // The code message arrives in chunks of at most maxMessageLength (50 here).
    await until(() => /pairing code is [A-Z0-9]{8}/.test(platform.sent.map((m) => m.text).join(' ')), 'the pairing code');
    expect(platform.sent.every((m) => m.chat === 'Alice' && m.text.length <= 50)).toBe(true);
  });

  it('chunks long texts and retries a 503 until the platform takes them', async () => {
    const { platform, channels, status } = await start();
    platform.sendFailures.push(503);
    await channels.send(CHANNEL_ID, { chatType: 'dm', chatId: 'bob' }, 'A first sentence that is long. And a second one, also long.');
    expect(platform.sent.length).toBeGreaterThanOrEqual(2);
    for (const message of platform.sent) expect(message.text.length).toBeLessThanOrEqual(50);
    expect(status().outbound.retried).toBe(1);
  });

  it('reports degraded while the platform is down and reconnects', async () => {
    const { platform, status } = await start();
    platform.setUpdatesDown(true);
    await until(() => status().state === 'degraded', 'degraded');
    expect(status().lastError?.message).toContain('HTTP 500');
    platform.setUpdatesDown(false);
    await until(() => status().state === 'connected', 'connected again');
  });

  it('refuses unknown options before any plugin code runs', async () => {
    await expect(createTestKernel({ plugins: ['channels', [plugin, { url: 'http://127.0.0.1:9', pollTimeout: 5 }]] })).rejects.toThrow(/pollTimeout/);
  });
});
