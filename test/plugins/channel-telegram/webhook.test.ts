/** Webhook mode: setWebhook to the gateway, updates POSTed with the secret token, forged ones refused. */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Check } from '../../../core/hook-types.ts';
import { createTelegramAdapter } from '../../../plugins/channel-telegram/adapter.ts';
import { diagnoseTelegram } from '../../../plugins/channel-telegram/checks.ts';
import { createOffsetStore } from '../../../plugins/channel-telegram/offset-store.ts';
import { startFakeTelegram } from '../../helpers/fake-telegram.ts';
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
    // Refusals are logged, but warned about once a minute at most (a forged flood cannot flood the log).
    const refusals = h.kernel.logs.filter((l) => l.msg === 'telegram webhook request refused');
    expect(refusals.map((l) => l.level)).toEqual([40, 20, 20]);
    expect(refusals[0]).toMatchObject({ reason: 'missing or wrong secret token', refusedSinceStart: 1 });

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

  it('doctor: reports healthy delivery, then the delivery error Telegram saw when another instance changed the secret', async () => {
    const h = await startTelegram({ settings: { mode: 'webhook', webhookSecret: SECRET } });
    const diagnose = async () => {
      const checks: Check[] = [];
      await h.kernel.hooks.diagnose.promise({ add: (check) => void checks.push(check) });
      return checks.find((c) => c.id === 'channels.telegram.webhook');
    };
    expect(await diagnose()).toMatchObject({ severity: 'ok', description: `Delivering to ${h.httpUrl}/telegram/webhook; 0 update(s) wait.` });

    // Someone else re-registers the same URL with another secret: our route refuses Telegram.
    const response = await fetch(`${h.tg.apiRoot}/bot${h.tg.token}/setWebhook`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${h.httpUrl}/telegram/webhook`, secret_token: 'someone_elses_secret_000' }),
    });
    expect(response.status).toBe(200);
    await h.tg.message(ALICE, 'lost?');
    const check = await diagnose();
    expect(check).toMatchObject({ severity: 'warning', title: 'Telegram webhook delivery has problems' });
    expect(check!.description).toContain('Wrong response from the webhook: 401 Unauthorized');
    expect(check!.description).toContain('1 update(s) wait');
    expect(JSON.stringify(check)).not.toContain(h.tg.token);
  });

  it('doctor in polling mode: ok without a webhook; a webhook set by another program is a warning', async () => {
    const h = await startTelegram();
    const checks: Check[] = [];
    await h.kernel.hooks.diagnose.promise({ add: (check) => void checks.push(check) });
    expect(checks.find((c) => c.id === 'channels.telegram.webhook')).toMatchObject({ severity: 'ok', title: 'Telegram delivers by polling' });

    // An adapter that is not running (as in a `moltbot doctor` process), against a Bot API of its own.
    const tg = await startFakeTelegram();
    onTestFinished(() => tg.close());
    const adapter = createTelegramAdapter({ botToken: tg.token, apiRoot: tg.apiRoot, mode: 'polling', webhookPath: '/telegram/webhook', linkPreviews: false, pollTimeoutSeconds: 1, requestTimeoutMs: 5000, reconnectBaseMs: 10, reconnectMaxMs: 10 }, { offsets: createOffsetStore(h.kernel.tempDir), webhookUrl: () => undefined });
    const run = async () => {
      const found: Check[] = [];
      await diagnoseTelegram(adapter, 'polling', undefined, { add: (check) => void found.push(check) });
      return found[0]!;
    };
    await tg.down();
    const offline = await run();
    expect(offline).toMatchObject({ severity: 'warning', title: 'Telegram could not be asked about webhook delivery' });
    expect(offline.description).not.toContain(tg.token);
    await tg.up();
    await fetch(`${tg.apiRoot}/bot${tg.token}/setWebhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://elsewhere.example/hook' }) });
    const stolen = await run();
    expect(stolen).toMatchObject({ severity: 'warning', title: 'A webhook is set for this bot while it polls' });
    expect(stolen.description).toContain('https://elsewhere.example/hook');
  });
});
