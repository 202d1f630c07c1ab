/** Webhook mode: setWebhook to the gateway, updates POSTed with the secret token, forged ones refused. */
import { describe, expect, it } from 'vitest';
import { ALICE, startTelegram } from './harness.ts';

const SECRET = 'webhook_secret_for_tests_0123';

describe('channel-telegram: webhook', () => {
  it('registers the gateway route with Telegram and answers updates that carry the secret', async () => {
    const h = await startTelegram({ settings: { mode: 'webhook', webhookSecret: SECRET } });
    expect(h.tg.webhook()).toEqual({ url: `${h.httpUrl}/telegram/webhook`, secretToken: SECRET });
    expect(h.tg.calls.find((c) => c.method === 'setWebhook')!.params).toMatchObject({ allowed_updates: ['message'] });
    await h.tg.message(ALICE, 'hi there');
    const [codeMessage] = await h.tg.waitForSent(1);
    expect(codeMessage).toMatchObject({ chatId: '42', text: expect.stringMatching(/pairing code is [A-Z0-9]{8}/) });
    expect(h.tg.pending()).toEqual([]);
    expect(h.tg.calls.filter((c) => c.method === 'getUpdates')).toEqual([]);
  });

  it('a wrong or missing secret token gets 401 and nothing is processed', async () => {
    const h = await startTelegram({ settings: { mode: 'webhook', webhookSecret: SECRET, dmPolicy: 'allowlist', allowFrom: ['42'] } });
    const update = { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 42, type: 'private' }, from: { id: 42, is_bot: false, first_name: 'Alice' }, text: 'forged' } };
    const post = (headers: Record<string, string>, body: string = JSON.stringify(update)) =>
      fetch(`${h.httpUrl}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    expect((await post({ 'x-telegram-bot-api-secret-token': 'wrong_secret_wrong_secret_01' })).status).toBe(401);
    expect((await post({})).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': `${SECRET}x` })).status).toBe(401);
    expect(h.status().inbound).toEqual({ accepted: 0, dropped: 0, pairing: 0 });
    expect(h.fake.requests).toEqual([]);
    expect(h.tg.sent).toEqual([]);
    expect(h.kernel.logs.some((l) => l.msg === 'telegram webhook request refused')).toBe(true);

    // The right secret with a body that is not an update: 400; with a real one: answered.
    expect((await post({ 'x-telegram-bot-api-secret-token': SECRET }, '{"hello":1}')).status).toBe(400);
    const good = await post({ 'x-telegram-bot-api-secret-token': SECRET });
    expect(good.status).toBe(200);
    const [reply] = await h.tg.waitForSent(1);
    expect(reply).toMatchObject({ chatId: '42', text: 'echo: forged' });
    expect(JSON.stringify(h.kernel.logs)).not.toContain(SECRET);
  });

  it('webhook mode without webhookSecret is a config error naming the key', async () => {
    await expect(startTelegram({ settings: { mode: 'webhook' } })).rejects.toThrow(/channels\.telegram[\s\S]*webhookSecret/);
  });
});
