/**
 * What the channels SDK promises: a channel plugin built only on `moltbot/plugin-sdk/channels`
 * and `moltbot/plugin-sdk/core` (fixtures/acme-channel.ts) runs like a first-party one. A signed
 * POST through the gateway's real HTTP server reaches the agent and the reply comes back signed;
 * a bad signature, a replay and an oversized body are refused. A store provided by another
 * plugin through `seenStoreRef` is the replay memory the signed route uses.
 */
import { createServer, request } from 'node:http';
import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { channelsServiceRef, seenStoreRef, verifySignature, type SeenStore } from 'moltbot/plugin-sdk/channels';
import { definePlugin } from 'moltbot/plugin-sdk/core';
import acme, { SIGNATURE_HEADER, TIMESTAMP_HEADER, acmeHeaders } from './fixtures/acme-channel.ts';
import { startGateway } from '../../plugins/gateway/helpers.ts';
import { startFakeProvider } from '../../helpers/fake-provider.ts';
import { until } from '../../helpers/channel-gateway.ts';

const SECRET = 'acme-secret-0123456789abcdef';

interface Callback { chatId: string; text: string; signed: boolean }

async function startReceiver(): Promise<{ url: string; callbacks: Callback[] }> {
  const callbacks: Callback[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const signed = verifySignature(req.headers[SIGNATURE_HEADER], SECRET, `${String(req.headers[TIMESTAMP_HEADER])}.`, body);
    callbacks.push({ ...(JSON.parse(body.toString('utf8')) as { chatId: string; text: string }), signed });
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}/acme`, callbacks };
}

/** A replay memory in another plugin: implements the SDK contract, imports nothing of `channels`. */
function memorySeenStore(claims: string[]) {
  const keys = new Map<string, number>();
  const store: SeenStore = {
    async claim(key, ttlMs) {
      claims.push(key);
      if ((keys.get(key) ?? 0) > Date.now()) return false;
      keys.set(key, Date.now() + ttlMs);
      return true;
    },
    async forget(key) {
      keys.delete(key);
    },
  };
  return definePlugin({ name: 'seen-memory', version: '1.0.0', provides: [seenStoreRef], setup: (ctx) => ctx.provide(seenStoreRef, store) });
}

function post(url: string, body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function startAcme() {
  const fake = await startFakeProvider();
  onTestFinished(() => fake.close());
  const receiver = await startReceiver();
  const claims: string[] = [];
  const gateway = await startGateway({
    extra: ['session-store-file', 'provider-openai', 'agent', 'channels', memorySeenStore(claims), [acme, { secret: SECRET, callbackUrl: receiver.url, maxBodyBytes: 1024 }]],
    config: {
      agent: { model: 'fake/primary', retryDelay: 5 },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key' } },
      channels: { acme: { dmPolicy: 'open', allowFrom: ['*'] } },
    },
  });
  const url = `${gateway.httpUrl}/channels/acme`;
  const status = () => gateway.kernel.use(channelsServiceRef).status().find((entry) => entry.id === 'acme')!;
  return { gateway, receiver, claims, url, status };
}

describe('a third-party signed-webhook channel on the public SDK', () => {
  it('imports nothing but moltbot/plugin-sdk/channels, moltbot/plugin-sdk/core and node builtins', () => {
    const source = readFileSync(new URL('./fixtures/acme-channel.ts', import.meta.url), 'utf8');
    const specifiers = [...source.matchAll(/\bfrom\s+'([^']+)'/g)].map((match) => match[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((specifier) => !/^(node:|moltbot\/plugin-sdk\/(channels|core)$)/.test(specifier!))).toEqual([]);
  });

  it('takes a signed POST through the kernel\'s HTTP server, answers through the signed callback, and refuses a bad signature, a replay and an oversized body', async () => {
    const { receiver, claims, url, status } = await startAcme();
    await until(() => status().state === 'connected', 'acme connected');

    const body = JSON.stringify({ sender: 'alice', text: 'hello acme', messageId: 'm-1' });
    const headers = acmeHeaders(SECRET, body);
    expect(await post(url, body, headers)).toEqual({ status: 202, body: { ok: true, status: 'accepted' } });
    await until(() => receiver.callbacks.length === 1, 'the reply callback');
    expect(receiver.callbacks[0]).toEqual({ chatId: 'alice', text: 'echo: hello acme', signed: true });

    // The same signed request again: a replay, answered 200 so the sender stops, processed never.
    expect(await post(url, body, headers)).toEqual({ status: 200, body: { ok: true, status: 'duplicate' } });
    // The replay memory is the store another plugin provided through seenStoreRef.
    expect(claims.filter((key) => key.includes('replay:'))).toHaveLength(2);

    const forged = JSON.stringify({ sender: 'mallory', text: 'let me in' });
    expect((await post(url, forged, acmeHeaders('not-the-secret-0123456789', forged))).status).toBe(401);
    expect((await post(url, forged, { [TIMESTAMP_HEADER]: headers[TIMESTAMP_HEADER]!, [SIGNATURE_HEADER]: headers[SIGNATURE_HEADER]! })).status).toBe(401);
    const stale = acmeHeaders(SECRET, forged, Date.now() - 3_600_000);
    expect((await post(url, forged, stale)).status).toBe(401);

    const big = JSON.stringify({ sender: 'bob', text: 'x'.repeat(2048) });
    expect((await post(url, big, acmeHeaders(SECRET, big))).status).toBe(413);

    expect(status().inbound).toEqual({ accepted: 1, dropped: 0, pairing: 0 });
    expect(receiver.callbacks).toHaveLength(1);
  });
});
