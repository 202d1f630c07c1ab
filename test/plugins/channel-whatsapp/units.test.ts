/** WhatsApp pieces without a network: numbers, settings, event parsing, Graph error classification. */
import { describe, expect, it } from 'vitest';
import { MoltbotError } from '../../../core/errors.ts';
import { classifyGraphFailure } from '../../../plugins/channel-whatsapp/graph.ts';
import { parseEvents } from '../../../plugins/channel-whatsapp/events.ts';
import { isE164, normalizePhone } from '../../../plugins/channel-whatsapp/phone.ts';
import { resolveWhatsAppSettings } from '../../../plugins/channel-whatsapp/settings.ts';

const CREDENTIALS = { phoneNumberId: '1098765', accessToken: 'tok-123456', appSecret: 'app-secret-1', verifyToken: 'verify-me' };

function errorOf(fn: () => unknown): MoltbotError {
  try {
    fn();
  } catch (error) {
    return error as MoltbotError;
  }
  throw new Error('did not throw');
}

describe('phone numbers', () => {
  it.each([
    ['+1 (234) 567-890', '1234567890'],
    ['1234567890', '1234567890'],
    ['0044 20 7946 0958', '442079460958'],
    ['+49.30.123456', '4930123456'],
    [' +1\u00a0234 567 890 ', '1234567890'],
    ['*', '*'],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
  });

  it('knows E.164 from junk', () => {
    expect(isE164('1234567890')).toBe(true);
    expect(isE164('123456789012345')).toBe(true);
    expect(isE164('1234567890123456')).toBe(false);
    expect(isE164('0123456789')).toBe(false);
    expect(isE164('12345')).toBe(false);
    expect(isE164('12a4567890')).toBe(false);
  });
});

describe('channels.whatsapp settings', () => {
  it('takes the guide sample with credentials from the environment, and fills defaults', () => {
    const settings = resolveWhatsAppSettings(
      {},
      { enabled: true, dmPolicy: 'pairing', allowFrom: ['+1234567890'] },
      { WHATSAPP_PHONE_NUMBER_ID: '1098765', WHATSAPP_ACCESS_TOKEN: 'tok', WHATSAPP_APP_SECRET: 'app', WHATSAPP_VERIFY_TOKEN: 'v' },
    );
    expect(settings).toMatchObject({ apiBaseUrl: 'https://graph.facebook.com', apiVersion: 'v23.0', webhookPath: '/channels/whatsapp/webhook', markRead: true });
    expect(settings.credentials()).toEqual({ phoneNumberId: '1098765', accessToken: 'tok', appSecret: 'app', verifyToken: 'v' });
    expect(Object.keys(settings)).not.toContain('accessToken');
  });

  it('resolves without credentials; asking for them then names what is missing', () => {
    const settings = resolveWhatsAppSettings({}, { allowFrom: ['+1234567890'] }, {});
    expect(settings.webhookPath).toBe('/channels/whatsapp/webhook');
    expect(errorOf(() => settings.credentials()).path).toBe('channels.whatsapp.phoneNumberId');
  });

  it('names the invalid allowFrom entry and says how to write it', () => {
    const error = errorOf(() => resolveWhatsAppSettings(CREDENTIALS, { allowFrom: ['+1 (234) 567-890', '555-CALL-NOW', '*'] }, {}));
    expect(error.code).toBe('MOLT_ERR_CONFIG_INVALID');
    expect(error.path).toBe('channels.whatsapp.allowFrom[1]');
    expect(error.message).toMatchInlineSnapshot(`"channels.whatsapp.allowFrom[1] is not a phone number in E.164 form (got "555-CALL-NOW")"`);
    expect(error.fix).toContain('+1234567890');
    expect(error.exitCode).toBe(78);
  });

  it('names a missing credential and its environment variable, never a secret value', () => {
    const error = errorOf(() => resolveWhatsAppSettings({ phoneNumberId: '1098765', accessToken: 'secret-token-value', appSecret: 'x' }, {}, {}).credentials());
    expect(error.path).toBe('channels.whatsapp.verifyToken');
    expect(error.message).toBe('channels.whatsapp.verifyToken is missing (and WHATSAPP_VERIFY_TOKEN is not set)');
    expect(error.fix).toContain('"verifyToken": "${WHATSAPP_VERIFY_TOKEN}"');
    expect(`${error.message} ${error.fix}`).not.toContain('secret-token-value');
  });

  it('reports unknown keys and bad values by their channels.whatsapp path', () => {
    const error = errorOf(() => resolveWhatsAppSettings({ ...CREDENTIALS, apiBaseURL: 'http://x', apiVersion: '23' }, {}, {}));
    expect(error.code).toBe('MOLT_ERR_CONFIG_INVALID');
    expect(error.message).toContain('channels.whatsapp');
    expect(error.message).toContain('apiBaseUrl');
    expect(error.message).toContain('channels.whatsapp.apiVersion');
  });

  it('refuses a phone number where the phone number id belongs', () => {
    expect(resolveWhatsAppSettings(CREDENTIALS, {}, {}).credentials().phoneNumberId).toBe('1098765');
    const wrong = errorOf(() => resolveWhatsAppSettings({}, {}, { WHATSAPP_PHONE_NUMBER_ID: '+1 555 0100', WHATSAPP_ACCESS_TOKEN: 't', WHATSAPP_APP_SECRET: 'a', WHATSAPP_VERIFY_TOKEN: 'v' }).credentials());
    expect(wrong.path).toBe('channels.whatsapp.phoneNumberId');
  });
});

describe('webhook events', () => {
  const body = (value: Record<string, unknown>, phoneNumberId = '1098765') => ({
    object: 'whatsapp_business_account',
    entry: [{ id: 'waba', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: phoneNumberId }, ...value } }] }],
  });

  it('turns text and captioned media into DM messages from the normalised number', () => {
    const parsed = parseEvents(body({
      contacts: [{ wa_id: '16315551234', profile: { name: 'Kerry' } }],
      messages: [
        { from: '16315551234', id: 'wamid.1', timestamp: '1700000000', type: 'text', text: { body: 'hello' } },
        { from: '16315551234', id: 'wamid.2', timestamp: '1700000001', type: 'image', image: { id: 'media-9', mime_type: 'image/jpeg', caption: 'look' } },
        { from: '16315551234', id: 'wamid.3', type: 'reaction', reaction: { emoji: 'x' } },
      ],
    }), '1098765', normalizePhone);
    expect(parsed.messages).toEqual([
      { sender: '16315551234', senderName: 'Kerry', chatType: 'dm', chatId: '16315551234', text: 'hello', messageId: 'wamid.1', receivedAt: 1_700_000_000_000 },
      { sender: '16315551234', senderName: 'Kerry', chatType: 'dm', chatId: '16315551234', text: 'look', messageId: 'wamid.2', attachments: [{ mimeType: 'image/jpeg', url: 'whatsapp-media:media-9' }], receivedAt: 1_700_000_001_000 },
    ]);
    expect(parsed.skipped).toBe(1);
  });

  it('reads delivery receipts, and skips other numbers and other objects', () => {
    const receipts = parseEvents(body({ statuses: [{ id: 'wamid.9', status: 'failed', recipient_id: '1555', errors: [{ code: 131047, title: 'Re-engagement message' }] }] }), '1098765', normalizePhone);
    expect(receipts.statuses).toEqual([{ messageId: 'wamid.9', status: 'failed', recipient: '1555', error: { code: 131047, title: 'Re-engagement message' } }]);
    expect(parseEvents(body({ messages: [{ from: '1', id: 'x', type: 'text', text: { body: 'hi' } }] }, '999'), '1098765', normalizePhone)).toEqual({ messages: [], statuses: [], skipped: 1 });
    expect(parseEvents({ object: 'page', entry: [] }, '1098765', normalizePhone).messages).toEqual([]);
    expect(parseEvents('junk', '1098765', normalizePhone).messages).toEqual([]);
  });
});

describe('Graph error classification', () => {
  const answer = (status: number, code?: number, retryAfter?: string) => ({
    status,
    headers: new Headers(retryAfter ? { 'retry-after': retryAfter } : {}),
    body: code === undefined ? undefined : { error: { code, message: `error ${code}` } },
  });

  it.each([
    [429, 130429, '7', true, 7000],
    [400, 130429, undefined, true, undefined],
    [400, 131056, undefined, true, 6000],
    [400, 80007, '2', true, 2000],
    [403, 4, undefined, true, undefined],
    [500, 1, undefined, true, undefined],
    [503, undefined, undefined, true, undefined],
    [400, 100, undefined, false, undefined],
    [401, 190, undefined, false, undefined],
    [400, 131047, undefined, false, undefined],
  ])('HTTP %i code %s (Retry-After %s) → retryable %s, wait %s', (status, code, retryAfter, retryable, wait) => {
    const error = classifyGraphFailure('WhatsApp send', answer(status, code, retryAfter));
    expect(error.retryable).toBe(retryable);
    expect(error.retryAfterMs).toBe(wait);
    expect(error.message).toContain(`HTTP ${status}`);
    if (code !== undefined) expect(error.message).toContain(`code ${code}`);
  });
});
