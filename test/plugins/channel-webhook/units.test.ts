/** The webhook channel's wire format without a network. */
import { describe, expect, it } from 'vitest';
import { MoltbotError } from '../../../core/errors.ts';
import { parseInbound, signedHeaders, verifySigned } from '../../../plugins/channel-webhook/protocol.ts';
import { resolveWebhookSettings } from '../../../plugins/channel-webhook/settings.ts';
import { SECRET, sign } from './receiver.ts';

describe('webhook signatures', () => {
  it('signs "<timestamp>.<body>" the way the README tells receivers to check it', () => {
    const headers = signedHeaders(SECRET, '{"text":"hi"}', 1_700_000_000_000);
    expect(headers).toEqual({ 'x-moltbot-timestamp': '1700000000000', 'x-moltbot-signature': sign(SECRET, 1_700_000_000_000, '{"text":"hi"}') });
    expect(verifySigned(headers, SECRET, Buffer.from('{"text":"hi"}'))).toEqual({ ok: true, timestampMs: 1_700_000_000_000 });
  });

  it('refuses a wrong secret, another timestamp, a missing or malformed timestamp', () => {
    const body = Buffer.from('{}');
    const headers = signedHeaders(SECRET, '{}', 1000);
    expect(verifySigned(headers, 'another-secret-value', body).ok).toBe(false);
    expect(verifySigned({ ...headers, 'x-moltbot-timestamp': '1001' }, SECRET, body).ok).toBe(false);
    expect(verifySigned({ 'x-moltbot-signature': headers['x-moltbot-signature'] }, SECRET, body).ok).toBe(false);
    expect(verifySigned({ ...headers, 'x-moltbot-timestamp': '1e3' }, SECRET, body).ok).toBe(false);
  });
});

describe('inbound messages', () => {
  it('defaults chatType to dm and chatId to the sender', () => {
    expect(parseInbound({ sender: 'u1', text: 'hi', messageId: 'm1' })).toEqual({ message: { sender: 'u1', chatType: 'dm', chatId: 'u1', text: 'hi', messageId: 'm1' } });
    expect(parseInbound({ sender: 'u1', chatType: 'group', chatId: 'g1', text: 'hi', mentioned: true })).toEqual({ message: { sender: 'u1', chatType: 'group', chatId: 'g1', text: 'hi', mentioned: true } });
  });

  it.each([
    [[], 'the body must be a JSON object'],
    [{ text: 'hi' }, 'sender must be a non-empty string of at most 256 characters'],
    [{ sender: 'u', text: '' }, 'text must be a non-empty string'],
    [{ sender: 'u', text: 'x', chatType: 'channel' }, 'chatType must be "dm" or "group"'],
    [{ sender: 'u', text: 'x', chatType: 'group' }, 'a group message needs chatId'],
    [{ sender: 'u', text: 'x', mentioned: 'yes' }, 'mentioned must be a boolean'],
    [{ sender: 'u\nv', text: 'x' }, 'sender must be a non-empty string of at most 256 characters'],
  ])('refuses %j: %s', (body, error) => {
    expect(parseInbound(body)).toEqual({ error });
  });
});

describe('channels.webhook settings', () => {
  it('needs a secret and a callback URL, named by path', () => {
    let error: MoltbotError | undefined;
    try {
      resolveWebhookSettings({ secret: 'short' });
    } catch (caught) {
      error = caught as MoltbotError;
    }
    expect(error?.code).toBe('MOLT_ERR_CONFIG_INVALID');
    expect(error?.message).toContain('channels.webhook');
    expect(error?.message).toContain('callbackUrl');
    expect(error?.message).toContain('channels.webhook.secret');
    expect(error?.message).not.toContain('short');
  });

  it('fills the defaults', () => {
    expect(resolveWebhookSettings({ secret: SECRET, callbackUrl: 'http://127.0.0.1:1/x' })).toEqual({
      secret: SECRET, callbackUrl: 'http://127.0.0.1:1/x', path: '/channels/webhook', replayWindowMs: 300_000, maxMessageLength: 4000, requestTimeoutMs: 10_000, degradeAfter: 3, maxBodyBytes: 1_048_576,
    });
  });
});
