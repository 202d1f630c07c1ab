/** The Bot API going away, rate limits, conflicts and restarts, through the real channels service. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startFakeTelegram } from '../../helpers/fake-telegram.ts';
import { ALICE, startTelegram, until } from './harness.ts';

const allowAlice = { dmPolicy: 'allowlist', allowFrom: ['42'] };

describe('channel-telegram: resilience', () => {
  it('the API going away mid-conversation: polling reconnects and the queued reply is delivered once', async () => {
    const h = await startTelegram({ settings: allowAlice });
    h.fake.script({ text: 'answer written during the outage', delayMs: 300 });
    await h.tg.message(ALICE, 'are you there?');
    await until(() => h.fake.requests.length === 1, 'the agent run to start');
    await h.tg.down();
    await h.waitForState('degraded');
    await until(() => h.status().queue.pending === 1, 'the reply to wait in the queue');
    // Telegram keeps messages sent meanwhile; they arrive after the reconnect.
    await h.tg.message(ALICE, 'second question');
    expect(h.tg.sent).toEqual([]);

    await h.tg.up();
    await h.waitForState('connected');
    await h.tg.waitForSent(2);
    await until(() => h.status().queue.pending === 0 && h.fake.requests.length === 2, 'the queue to drain');
    expect(h.tg.sent.map((m) => m.text)).toEqual(['answer written during the outage', 'echo: second question']);
    expect(h.status()).toMatchObject({ state: 'connected', outbound: { sent: 2, failed: 0 }, lastError: { message: expect.any(String) } });
    // The token is in every request URL: it must reach neither the log nor the status.
    expect(JSON.stringify(h.kernel.logs)).not.toContain(h.tg.token);
    expect(JSON.stringify(h.status())).not.toContain(h.tg.token);
    expect(JSON.stringify(h.kernel.logs)).toContain('telegram connection failed; retrying');
    // Nor any file under the state dir (offset, pairing, sessions, logs).
    const files = readdirSync(h.kernel.tempDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.map((f) => f.name)).toContain('offset.json');
    for (const file of files) {
      expect(readFileSync(join(file.parentPath, file.name), 'utf8'), file.name).not.toContain(h.tg.token);
    }
  });

  it('429 retry_after is honoured before the reply is sent again', async () => {
    const h = await startTelegram({ settings: allowAlice });
    h.tg.failNext('sendMessage', { status: 429, retryAfter: 1 });
    await h.tg.message(ALICE, 'hello');
    const [reply] = await h.tg.waitForSent(1);
    expect(reply!.text).toBe('echo: hello');
    const attempts = h.tg.calls.filter((c) => c.method === 'sendMessage');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(990);
    await until(() => h.status().outbound.sent === 1, 'the service to count the send');
    expect(h.status()).toMatchObject({ outbound: { sent: 1, failed: 0, retried: 1 } });
  });

  it('polling through a 5xx proxy page and a 429: degraded, waits retry_after, then polls on', async () => {
    const h = await startTelegram({ settings: { ...allowAlice, pollTimeoutSeconds: 1 } });
    h.tg.failNext('getUpdates', { status: 502, html: true }, { status: 429, retryAfter: 1 });
    await until(() => h.status().lastError?.message === 'Telegram getUpdates failed: 429 Too Many Requests: retry after 1', 'the 429 to be reported');
    expect(h.status().state).toBe('degraded');
    await h.waitForState('connected');
    const calls = h.tg.calls;
    expect(calls.filter((c) => c.method === 'getUpdates').map((c) => c.status)).toEqual(expect.arrayContaining([502, 429]));
    const limited = calls.findIndex((c) => c.method === 'getUpdates' && c.status === 429);
    // The next call (getMe, reconnecting) waited for retry_after.
    const next = calls[limited + 1]!;
    expect(next.method).toBe('getMe');
    expect(next.at - calls[limited]!.at).toBeGreaterThanOrEqual(990);
    await h.tg.message(ALICE, 'after the storm');
    const [reply] = await h.tg.waitForSent(1);
    expect(reply!.text).toBe('echo: after the storm');
  });

  it('a message refused by Telegram (403 blocked) is not retried', async () => {
    const h = await startTelegram({ settings: allowAlice });
    h.tg.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    await h.tg.message(ALICE, 'hello');
    await until(() => h.status().outbound.failed === 1, 'the send to fail');
    expect(h.tg.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(1);
    expect(h.status().lastError?.message).toBe('Telegram sendMessage failed: 403 Forbidden: bot was blocked by the user');
  });

  it('a 409 conflict (a webhook set elsewhere) degrades, then polling deletes the webhook and carries on', async () => {
    const h = await startTelegram({ settings: allowAlice });
    await h.tg.waitForCalls('getUpdates', 1);
    const response = await fetch(`${h.tg.apiRoot}/bot${h.tg.token}/setWebhook`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://elsewhere.example/hook' }) });
    expect(response.status).toBe(200);
    await until(() => /409 Conflict/.test(h.status().lastError?.message ?? ''), 'the 409 to be reported');
    await h.waitForState('connected');
    await h.tg.message(ALICE, 'still there?');
    const [reply] = await h.tg.waitForSent(1);
    expect(reply!.text).toBe('echo: still there?');
    expect(h.tg.webhook()).toBeUndefined();
  });

  it('the offset survives a restart: the new process continues after the last handled update', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'moltbot-tg-state-'));
    onTestFinished(() => rmSync(stateDir, { recursive: true, force: true }));
    const tg = await startFakeTelegram();
    onTestFinished(() => tg.close());
    const first = await startTelegram({ tg, settings: allowAlice, env: { MOLTBOT_STATE_DIR: stateDir } });
    const update = await tg.message(ALICE, 'one');
    await tg.waitForSent(1);
    await first.kernel.close();

    const offsetFile = join(stateDir, 'plugins', 'channel-telegram', 'offset.json');
    expect(JSON.parse(readFileSync(offsetFile, 'utf8'))).toEqual({ botId: tg.bot.id, offset: update.update_id + 1 });
    expect(statSync(offsetFile).mode & 0o777).toBe(0o600);

    const callsBefore = tg.calls.length;
    const second = await startTelegram({ tg, settings: allowAlice, env: { MOLTBOT_STATE_DIR: stateDir } });
    const firstPoll = () => tg.calls.slice(callsBefore).find((c) => c.method === 'getUpdates');
    await until(() => firstPoll() !== undefined, 'the first poll of the new process');
    expect(firstPoll()!.params.offset).toBe(update.update_id + 1);
    await tg.message(ALICE, 'two');
    await tg.waitForSent(2);
    expect(tg.sent.map((m) => m.text)).toEqual(['echo: one', 'echo: two']);
    expect(second.fake.requests).toHaveLength(1);
  });
});
