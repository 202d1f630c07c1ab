import { Api } from 'grammy';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelSendError } from '../../../sdk/channels/contract.ts';
import { describeApiFailure, redactToken, toSendError } from '../../../plugins/channel-telegram/errors.ts';
import { FAKE_TOKEN, startFakeTelegram, type FakeTelegram } from '../../helpers/fake-telegram.ts';

let fake: FakeTelegram | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Runs sendMessage against the fake Bot API and returns the mapped error. */
async function sendError(setup: (fake: FakeTelegram) => void | Promise<void>, text = 'hi'): Promise<ChannelSendError> {
  fake = await startFakeTelegram();
  const api = new Api(fake.token, { apiRoot: fake.apiRoot, timeoutSeconds: 5 });
  await setup(fake);
  try {
    await api.sendMessage('42', text);
  } catch (error) {
    return toSendError(error, fake.token);
  }
  throw new Error('sendMessage did not fail');
}

describe('Bot API errors → ChannelSendError', () => {
  it('429 with parameters.retry_after is retryable after that many seconds', async () => {
    const error = await sendError((f) => f.failNext('sendMessage', { status: 429, retryAfter: 3 }));
    expect(error).toBeInstanceOf(ChannelSendError);
    expect({ retryable: error.retryable, retryAfterMs: error.retryAfterMs }).toEqual({ retryable: true, retryAfterMs: 3000 });
    expect(error.message).toBe('Telegram sendMessage failed: 429 Too Many Requests: retry after 3');
  });

  it('5xx (JSON or a proxy HTML page) and network failures are retryable without a delay hint', async () => {
    for (const fault of [{ status: 500 }, { status: 502, html: true }]) {
      const error = await sendError((f) => f.failNext('sendMessage', fault));
      expect([error.retryable, error.retryAfterMs], JSON.stringify(fault)).toEqual([true, undefined]);
      await fake?.close();
    }
    const network = await sendError((f) => f.down());
    expect(network.retryable).toBe(true);
    expect(network.message).toMatch(/Network request for 'sendMessage' failed/);
    // node-fetch names the request URL, token included, in its error: it must come out masked.
    expect(network.message).toContain('/bot[REDACTED]/sendMessage');
    expect(network.message).not.toContain(FAKE_TOKEN);
  });

  it('400 (too long), 401 (bad token) and 403 (blocked by the user) are not retryable', async () => {
    const tooLong = await sendError(() => undefined, 'x'.repeat(4097));
    expect([tooLong.retryable, tooLong.message]).toEqual([false, 'Telegram sendMessage failed: 400 Bad Request: message is too long']);
    await fake?.close();
    const migrated = await sendError((f) => f.failNext('sendMessage', { status: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', migrateTo: -1009876543210 }));
    expect([migrated.retryable, migrated.message]).toEqual([false, 'Telegram sendMessage failed: 400 Bad Request: group chat was upgraded to a supergroup chat (the chat is now -1009876543210: update groupAllowFrom)']);
    await fake?.close();
    const forbidden = await sendError((f) => f.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' }));
    expect(forbidden.retryable).toBe(false);
    fake = await startFakeTelegram();
    const wrongToken = '123456789:AAWrongTokenWrongTokenWrongToken_zzzzz';
    try {
      await new Api(wrongToken, { apiRoot: fake.apiRoot }).sendMessage('42', 'hi');
      expect.unreachable();
    } catch (error) {
      const mapped = toSendError(error, wrongToken);
      expect([mapped.retryable, mapped.message]).toEqual([false, 'Telegram sendMessage failed: 401 Unauthorized']);
    }
  });

  it('never lets the token through, even when a cause names the request URL', () => {
    const cause = new Error(`connect ECONNREFUSED for https://api.telegram.org/bot${FAKE_TOKEN}/getUpdates`);
    const failure = describeApiFailure(new Error('fetch failed', { cause }), FAKE_TOKEN);
    expect(failure.message).not.toContain(FAKE_TOKEN);
    expect(failure.message).toContain('/bot[REDACTED]/getUpdates');
    expect(redactToken(`a ${FAKE_TOKEN} b`, 'other')).toBe('a [REDACTED] b');
  });
});
