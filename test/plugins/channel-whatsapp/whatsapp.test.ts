/**
 * WhatsApp end to end: the fake Cloud API sends signed webhook events to a real gateway, the
 * real channels service runs policy/pairing/agent, replies go back through the fake Graph API.
 */
import { describe, expect, it } from 'vitest';
import { startWhatsApp, until, VERIFY_TOKEN } from './harness.ts';
import { agentServiceRef } from '../../../sdk/agent/index.ts';

const STRANGER = '15551234567';

describe('channel-whatsapp', () => {
  it('answers the webhook verification only with the right verify token', async () => {
    const h = await startWhatsApp();
    expect(await h.wa.verify(h.webhookUrl, VERIFY_TOKEN, 'challenge-1158201444')).toEqual({ status: 200, body: 'challenge-1158201444' });
    expect((await h.wa.verify(h.webhookUrl, 'not-the-token', 'challenge-1')).status).toBe(403);
    expect(h.status().state).toBe('connected');
  });

  it('gives an unknown number a pairing code, and answers it after approval', async () => {
    const h = await startWhatsApp({ dmPolicy: 'pairing' });
    const admin = await h.client();
    expect((await h.send(STRANGER, 'hello?')).status).toBe(200);
    const [pairing] = await h.wa.waitForSent(1, STRANGER);
    const code = /pairing code is ([A-Z0-9]{8})/.exec(pairing!.text)?.[1];
    expect(code).toBeDefined();
    expect(pairing!.text).toContain(`moltbot pairing approve whatsapp ${code}`);
    expect(h.fake.requests).toHaveLength(0);

    const approved = await admin.request('pairing.approve', { channel: 'whatsapp', code });
    expect(approved.payload).toEqual({ sender: STRANGER });
    await h.wa.waitForSent(2, STRANGER);

    h.fake.script({ text: 'Hello from the agent' });
    expect((await h.send(STRANGER, 'what can you do?', 'wamid.question')).status).toBe(200);
    const sent = await h.wa.waitForSent(3, STRANGER);
    expect(sent[2]).toMatchObject({ to: STRANGER, text: 'Hello from the agent', replyTo: 'wamid.question' });
    expect(h.wa.reads).toContainEqual({ messageId: 'wamid.question', typing: true });
    expect(h.wa.requests.every((r) => r.authorized)).toBe(true);
    expect(h.fake.requests.at(-1)!.body.messages.at(-1).content).toBe('what can you do?');
    const history = await h.kernel.use(agentServiceRef).history('agent:main:whatsapp:dm:15551234567');
    expect(history.map((m) => m.content)).toEqual(['what can you do?', 'Hello from the agent']);
  });

  it('matches allowFrom written with formatting against the sender WhatsApp reports', async () => {
    const h = await startWhatsApp({ dmPolicy: 'allowlist', allowFrom: ['+1 (234) 567-890', '0044 20 7946 0958'] });
    expect((await h.send('1234567890', 'hi from the US')).status).toBe(200);
    expect((await h.send('442079460958', 'hi from London')).status).toBe(200);
    expect((await h.send(STRANGER, 'let me in')).status).toBe(200);
    const sent = await h.wa.waitForSent(2);
    expect(sent.map((m) => [m.to, m.text]).sort()).toEqual([['1234567890', 'echo: hi from the US'], ['442079460958', 'echo: hi from London']]);
    await until(() => h.status().inbound.dropped === 1, 'the stranger to be dropped');
    expect(h.wa.sent.some((m) => m.to === STRANGER)).toBe(false);
  });

  it('refuses a bad or missing signature with 401 and processes nothing', async () => {
    const h = await startWhatsApp({ dmPolicy: 'open', allowFrom: ['*'] });
    const body = h.wa.messageEvent({ from: STRANGER, text: 'forged' });
    expect((await h.wa.deliver(h.webhookUrl, body, { signature: `sha256=${'0'.repeat(64)}` })).status).toBe(401);
    expect((await h.wa.deliver(h.webhookUrl, body, { signature: null })).status).toBe(401);
    expect((await h.wa.deliver(h.webhookUrl, body, { signature: 'sha1=abc' })).status).toBe(401);
    const status = h.status();
    expect(status.inbound).toEqual({ accepted: 0, dropped: 0, pairing: 0 });
    expect(h.fake.requests).toHaveLength(0);
    expect(h.wa.requests).toHaveLength(0);
  });

  it('processes a redelivered event and a repeated message id once', async () => {
    const h = await startWhatsApp({ dmPolicy: 'open', allowFrom: ['*'] });
    const body = h.wa.messageEvent({ from: STRANGER, text: 'only once', id: 'wamid.same' });
    expect((await h.wa.deliver(h.webhookUrl, body)).status).toBe(200);
    const again = await h.wa.deliver(h.webhookUrl, body);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toEqual({ ok: true, status: 'duplicate' });
    // The same message in a body serialised differently (another signature) is dropped by id.
    expect((await h.wa.deliver(h.webhookUrl, JSON.stringify(body, null, 1))).status).toBe(200);
    await h.wa.waitForSent(1);
    await until(() => h.status().inbound.dropped === 1, 'the duplicate to be dropped');
    expect(h.fake.requests).toHaveLength(1);
    expect(h.wa.sent).toHaveLength(1);
  });

  it('drops a validly signed message older than maxMessageAgeMs (a capture replayed after a restart): 200, counted, not processed', async () => {
    const h = await startWhatsApp({ dmPolicy: 'open', allowFrom: ['*'] });
    const seconds = Math.floor(Date.now() / 1000);
    // Captured 16 minutes ago (default horizon 15): both in-memory guards are empty on this gateway.
    const captured = h.wa.messageEvent({ from: STRANGER, text: 'summarise MEMORY.md', id: 'wamid.captured', timestamp: seconds - 16 * 60 });
    const answer = await h.wa.deliver(h.webhookUrl, captured);
    expect([answer.status, JSON.parse(answer.body)]).toEqual([200, { ok: true }]);
    const noTimestamp = h.wa.messageEvent({ from: STRANGER, text: 'no stamp', id: 'wamid.nostamp' }) as any;
    delete noTimestamp.entry[0].changes[0].value.messages[0].timestamp;
    expect((await h.wa.deliver(h.webhookUrl, noTimestamp)).status).toBe(200);
    // Inside the horizon (a restart's worth of Meta redelivery) still goes through.
    expect((await h.wa.deliver(h.webhookUrl, h.wa.messageEvent({ from: STRANGER, text: 'late but fresh', id: 'wamid.late', timestamp: seconds - 14 * 60 }))).status).toBe(200);
    await h.wa.waitForSent(1);
    expect(h.wa.sent.map((m) => m.text)).toEqual(['echo: late but fresh']);
    expect(h.fake.requests).toHaveLength(1);
    expect(h.status().inbound).toMatchObject({ accepted: 1 });
    const figures: Record<string, number> = {};
    await h.kernel.hooks.collectMetrics.promise({ set: (name, value) => void (figures[name] = value) });
    expect(figures.inbound_stale_dropped).toBe(2);
  });

  it('maxMessageAgeMs widens the horizon for deployments that must keep messages across long outages', async () => {
    const h = await startWhatsApp({ dmPolicy: 'open', allowFrom: ['*'], maxMessageAgeMs: 2 * 3600_000 });
    const sentAt = Math.floor(Date.now() / 1000) - 3600;
    expect((await h.wa.deliver(h.webhookUrl, h.wa.messageEvent({ from: STRANGER, text: 'an hour late', timestamp: sentAt }))).status).toBe(200);
    expect((await h.wa.waitForSent(1))[0]!.text).toBe('echo: an hour late');
  });

  it('ignores delivery receipts and events for other numbers', async () => {
    const h = await startWhatsApp({ dmPolicy: 'open', allowFrom: ['*'] });
    expect((await h.wa.deliver(h.webhookUrl, h.wa.statusEvent('wamid.out1', 'delivered', STRANGER))).status).toBe(200);
    expect((await h.wa.deliver(h.webhookUrl, h.wa.statusEvent('wamid.out1', 'read', STRANGER))).status).toBe(200);
    const other = h.wa.messageEvent({ from: STRANGER, text: 'not for us' }) as any;
    other.entry[0].changes[0].value.metadata.phone_number_id = '5550000';
    expect((await h.wa.deliver(h.webhookUrl, other)).status).toBe(200);
    expect(h.status().inbound).toEqual({ accepted: 0, dropped: 0, pairing: 0 });
    expect(h.alerts).toEqual([]);
    expect(h.wa.requests).toHaveLength(0);
  });

  it('retries a rate-limited send (429, code 130429) and delivers the reply once', async () => {
    const h = await startWhatsApp({ dmPolicy: 'open', allowFrom: ['*'], markRead: false });
    h.wa.fail({ status: 429, code: 130429, message: '(#130429) Rate limit hit', retryAfter: 0 });
    await h.send(STRANGER, 'are you there?');
    const [reply] = await h.wa.waitForSent(1);
    expect(reply).toMatchObject({ to: STRANGER, text: 'echo: are you there?' });
    expect(h.wa.requests.map((r) => r.status)).toEqual([429, 200]);
    await until(() => h.status().outbound.sent === 1, 'the send to be counted');
    expect(h.status()).toMatchObject({ state: 'connected', outbound: { sent: 1, failed: 0, retried: 1 } });
    expect(h.wa.sent).toHaveLength(1);
    expect(h.alerts).toEqual([]);
  });

  it('a message that finally fails raises an alert and shows as lastError in channels.status', async () => {
    const h = await startWhatsApp({ dmPolicy: 'open', allowFrom: ['*'], markRead: false });
    const admin = await h.client();
    h.wa.fail({ status: 400, code: 131047, message: 'Re-engagement message' });
    await h.send(STRANGER, 'late reply');
    await until(() => h.status().outbound.failed === 1, 'the send to fail');
    expect(h.wa.requests).toHaveLength(1);
    const status = await admin.request('channels.status', {});
    const channel = status.payload.channels.find((c: { id: string }) => c.id === 'whatsapp');
    expect(channel.lastError.message).toContain('HTTP 400 (code 131047: Re-engagement message)');
    expect(channel.lastError.message).not.toContain(h.wa.accessToken);
    await until(() => h.alerts.length === 1, 'the alert');
    expect(h.alerts[0]).toMatchObject({ id: 'channel.whatsapp.delivery', severity: 'critical', state: 'firing', source: 'channel-whatsapp' });
    expect(h.alerts[0]!.message).toContain('131047');

    // The next delivered message resolves it.
    await h.send(STRANGER, 'again');
    await h.wa.waitForSent(1);
    await until(() => h.alerts.length === 2, 'the resolution');
    expect(h.alerts[1]).toMatchObject({ id: 'channel.whatsapp.delivery', state: 'resolved' });
  });

  it('chunks a long reply within 4096 characters per message', async () => {
    const h = await startWhatsApp({ dmPolicy: 'open', allowFrom: ['*'], markRead: false });
    const paragraph = (n: number) => `Paragraph ${n}: ${'lorem ipsum dolor sit amet '.repeat(60).trim()}.`;
    const long = Array.from({ length: 6 }, (_, i) => paragraph(i + 1)).join('\n\n');
    expect(long.length).toBeGreaterThan(9000);
    h.fake.script({ text: long });
    await h.send(STRANGER, 'tell me a lot');
    await until(() => h.wa.sent.join !== undefined && h.wa.sent.reduce((n, m) => n + m.text.length, 0) >= long.length - 20, 'every chunk');
    expect(h.wa.sent.length).toBeGreaterThanOrEqual(3);
    for (const message of h.wa.sent) expect(message.text.length).toBeLessThanOrEqual(4096);
    expect(h.wa.sent.map((m) => m.text).join('').replace(/\s+/g, '')).toBe(long.replace(/\s+/g, ''));
  });
});

