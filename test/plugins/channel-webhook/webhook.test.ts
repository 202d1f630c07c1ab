/**
 * The generic webhook channel end to end: signed POSTs to a real gateway, the real channels
 * service, replies as signed callbacks to a real receiver on 127.0.0.1.
 */
import { describe, expect, it } from 'vitest';
import { startWebhook, until } from './harness.ts';
import { SECRET, sign } from './receiver.ts';

describe('channel-webhook', () => {
  it('pairs an unknown sender, then answers it through the signed callback', async () => {
    const h = await startWebhook({ dmPolicy: 'pairing' });
    const admin = await h.client();
    expect(h.status().state).toBe('connected');
    const first = await h.post({ sender: 'alice', text: 'hello?', messageId: 'm1' });
    expect(first).toEqual({ status: 202, body: { ok: true, status: 'pairing' } });
    const [pairing] = await h.receiver.waitFor(1);
    const code = /pairing code is ([A-Z0-9]{8})/.exec(pairing!.text)?.[1];
    expect(pairing).toMatchObject({ chatType: 'dm', chatId: 'alice', signatureValid: true });
    expect((await admin.request('pairing.approve', { channel: 'webhook', code })).payload).toEqual({ sender: 'alice' });
    await h.receiver.waitFor(2);

    h.fake.script({ text: 'Hi Alice' });
    expect(await h.post({ sender: 'alice', text: 'what is up', messageId: 'm2' })).toEqual({ status: 202, body: { ok: true, status: 'accepted' } });
    const callbacks = await h.receiver.waitFor(3);
    expect(callbacks[2]).toMatchObject({ chatType: 'dm', chatId: 'alice', text: 'Hi Alice', replyTo: 'm2', signatureValid: true });
    expect(Math.abs(callbacks[2]!.timestamp - Date.now())).toBeLessThan(60_000);
  });

  it('refuses a bad signature and a stale timestamp with 401, processing nothing', async () => {
    const h = await startWebhook({ dmPolicy: 'open', allowFrom: ['*'] });
    const message = { sender: 'mallory', text: 'hi', messageId: 'x1' };
    expect((await h.post(message, { secret: 'a-different-secret-value' })).status).toBe(401);
    expect((await h.post(message, { signature: 'sha256=' })).status).toBe(401);
    expect((await h.post(message, { timestamp: Date.now() - 5 * 60_000 - 5000 })).status).toBe(401);
    expect((await h.post(message, { timestamp: Date.now() + 10 * 60_000 })).status).toBe(401);
    const raw = await fetch(h.inboundUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(message) });
    expect(raw.status).toBe(401);
    expect(h.status().inbound).toEqual({ accepted: 0, dropped: 0, pairing: 0 });
    expect(h.fake.requests).toHaveLength(0);
    expect(h.receiver.attempts).toBe(0);
  });

  it('processes a repeated messageId and a replayed request once', async () => {
    const h = await startWebhook({ dmPolicy: 'open', allowFrom: ['*'] });
    const timestamp = Date.now();
    expect((await h.post({ sender: 'bob', text: 'once', messageId: 'dup-1' }, { timestamp })).status).toBe(202);
    expect(await h.post({ sender: 'bob', text: 'once', messageId: 'dup-1' }, { timestamp })).toEqual({ status: 200, body: { ok: true, status: 'duplicate' } });
    expect(await h.post({ sender: 'bob', text: 'once', messageId: 'dup-1' }, { timestamp: timestamp + 1 })).toEqual({ status: 200, body: { ok: true, status: 'duplicate' } });
    await h.receiver.waitFor(1);
    await until(() => h.status().inbound.dropped === 1, 'the duplicate to be counted');
    expect(h.fake.requests).toHaveLength(1);
    expect(h.receiver.callbacks).toHaveLength(1);
  });

  it('refuses a captured request replayed with its signature hex upper-cased (no messageId to dedupe on)', async () => {
    const h = await startWebhook({ dmPolicy: 'open', allowFrom: ['*'] });
    const timestamp = Date.now();
    const message = { sender: 'bob', text: 'transfer it' };
    const signature = sign(SECRET, timestamp, JSON.stringify(message));
    expect((await h.post(message, { timestamp, signature })).status).toBe(202);
    const upper = `sha256=${signature.slice('sha256='.length).toUpperCase()}`;
    expect(await h.post(message, { timestamp, signature: upper })).toEqual({ status: 200, body: { ok: true, status: 'duplicate' } });
    await h.receiver.waitFor(1);
    expect(h.status().inbound.accepted).toBe(1);
    expect(h.fake.requests).toHaveLength(1);
  });

  it('answers 400 naming the bad field', async () => {
    const h = await startWebhook();
    expect(await h.post({ sender: 'bob' })).toEqual({ status: 400, body: { ok: false, error: 'text must be a non-empty string' } });
    expect(await h.post({ sender: 'bob', text: 'x', chatType: 'group' })).toEqual({ status: 400, body: { ok: false, error: 'a group message needs chatId' } });
  });

  it('retries a 429 callback honouring Retry-After and delivers once', async () => {
    const h = await startWebhook({ dmPolicy: 'open', allowFrom: ['*'] });
    h.receiver.fail({ status: 429, retryAfter: 0 });
    await h.post({ sender: 'carol', text: 'ping' });
    const [callback] = await h.receiver.waitFor(1);
    expect(callback).toMatchObject({ chatId: 'carol', text: 'echo: ping' });
    await until(() => h.status().outbound.sent === 1, 'the send to be counted');
    expect(h.receiver.attempts).toBe(2);
    expect(h.status()).toMatchObject({ state: 'connected', outbound: { sent: 1, failed: 0, retried: 1 } });
    expect(h.alerts).toEqual([]);
  });

  it('a refused callback fails the message: alert and lastError; the next delivery resolves it', async () => {
    const h = await startWebhook({ dmPolicy: 'open', allowFrom: ['*'] });
    h.receiver.fail({ status: 400 });
    await h.post({ sender: 'dave', text: 'first' });
    await until(() => h.status().outbound.failed === 1, 'the failure');
    expect(h.status().lastError!.message).toBe('webhook callback to http://127.0.0.1:' + new URL(h.receiver.url).port + ': HTTP 400');
    expect(h.status().lastError!.message).not.toContain('token=abc');
    await until(() => h.alerts.length === 1, 'the alert');
    expect(h.alerts[0]).toMatchObject({ id: 'channel.webhook.delivery', severity: 'critical', state: 'firing' });
    await h.post({ sender: 'dave', text: 'second' });
    await h.receiver.waitFor(1);
    await until(() => h.alerts.length === 2, 'the resolution');
    expect(h.alerts[1]).toMatchObject({ id: 'channel.webhook.delivery', state: 'resolved' });
  });

  it('goes degraded after repeated callback failures and back to connected on success', async () => {
    const h = await startWebhook({ dmPolicy: 'open', allowFrom: ['*'], degradeAfter: 2 });
    const admin = await h.client();
    h.receiver.fail({ status: 503, retryAfter: 0 }, { drop: true });
    await h.post({ sender: 'erin', text: 'are you up?' });
    // Backoffs here are real (jittered, under 1 s each): allow for a loaded machine.
    const [callback] = await h.receiver.waitFor(1, 15_000);
    expect(callback!.text).toBe('echo: are you up?');
    await until(() => h.status().outbound.sent === 1, 'the delivery to be counted', 15_000);
    // The state changes, in order, as broadcast to admin clients (a poll could miss a short degraded spell).
    const states = () => admin.frames.filter((f) => f.event === 'channels.status' && f.payload.id === 'webhook').map((f) => f.payload.state);
    await until(() => states().length >= 2, 'two status events');
    expect(states()).toEqual(['degraded', 'connected']);
    expect(h.status()).toMatchObject({ state: 'connected', outbound: { sent: 1, failed: 0, retried: 2 } });
    expect(h.status().lastError!.message).toMatch(/webhook callback to http:\/\/127\.0\.0\.1:\d+: /);
    expect(h.receiver.attempts).toBe(3);
  });

  it('chunks a long reply into callbacks of at most maxMessageLength', async () => {
    const h = await startWebhook({ dmPolicy: 'open', allowFrom: ['*'], maxMessageLength: 200 });
    const long = Array.from({ length: 12 }, (_, i) => `Sentence number ${i + 1} of a long answer, padded to be long enough.`).join(' ');
    h.fake.script({ text: long });
    await h.post({ sender: 'frank', text: 'long please' });
    await until(() => h.receiver.callbacks.map((c) => c.text).join(' ').replace(/\s+/g, ' ').length >= long.length, 'every chunk');
    expect(h.receiver.callbacks.length).toBeGreaterThanOrEqual(4);
    for (const callback of h.receiver.callbacks) {
      expect(callback.text.length).toBeLessThanOrEqual(200);
      expect(callback.signatureValid).toBe(true);
    }
    expect(h.receiver.callbacks.map((c) => c.text).join(' ').replace(/\s+/g, ' ')).toBe(long);
  });
});
