/**
 * LG-08 for the HTTP channels: unique canaries in every channel secret (webhook secret, callback
 * URL token, WhatsApp access token, app secret, verify token); after failures of every kind
 * (bad signatures, wrong verify token, refused and failing sends) no canary appears in the log
 * (debug level), alerts, or channels.status.
 */
import { describe, expect, it } from 'vitest';
import { startFakeWhatsApp } from '../../helpers/fake-whatsapp.ts';
import { startWebhook, until } from '../../plugins/channel-webhook/harness.ts';
import { startWhatsApp } from '../../plugins/channel-whatsapp/harness.ts';

const canary = (name: string) => `CANARY${name}${Math.random().toString(36).slice(2, 10)}`;

function leaks(haystack: unknown, canaries: string[]): string[] {
  const text = JSON.stringify(haystack);
  return canaries.filter((value) => text.includes(value));
}

describe('channel secrets never leak', () => {
  it('webhook: secret and callback token stay out of logs, alerts and status', async () => {
    const secret = canary('secret');
    const token = canary('token');
    const h = await startWebhook({ dmPolicy: 'open', allowFrom: ['*'], secret }, { callbackToken: token });
    h.receiver.fail({ status: 400 });
    await h.post({ sender: 'eve', text: 'hi' }, { secret });
    await h.post({ sender: 'eve', text: 'forged' }, { secret: 'wrong-secret-but-long' });
    await until(() => h.status().outbound.failed === 1, 'the refused callback');
    await until(() => h.alerts.length === 1, 'the alert');
    expect(h.receiver.attempts).toBe(1);
    expect(leaks([h.kernel.logs, h.alerts, h.channels.status()], [secret, token])).toEqual([]);
  });

  it('whatsapp: access token, app secret and verify token stay out of logs, alerts and status', async () => {
    const accessToken = canary('access');
    const appSecret = canary('app');
    const verifyToken = canary('verify');
    const wa = await startFakeWhatsApp({ accessToken, appSecret });
    const h = await startWhatsApp({ dmPolicy: 'open', allowFrom: ['*'], verifyToken, markRead: false }, { wa });
    await wa.verify(h.webhookUrl, `${verifyToken}x`, 'c');
    await wa.deliver(h.webhookUrl, wa.messageEvent({ from: '15551234567', text: 'forged' }), { signature: 'sha256=00' });
    wa.fail({ status: 401, code: 190, message: 'Invalid OAuth access token' });
    await h.send('15551234567', 'hello');
    await until(() => h.status().outbound.failed === 1, 'the refused send');
    await until(() => h.alerts.length === 1, 'the alert');
    expect(h.status().lastError!.message).toContain('code 190');
    expect(leaks([h.kernel.logs, h.alerts, h.channels.status()], [accessToken, appSecret, verifyToken])).toEqual([]);
  });
});
