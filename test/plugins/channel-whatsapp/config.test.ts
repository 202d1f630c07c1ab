/** The deployment guide's sample as pasted, config errors by path, and the webhook's edges. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MoltbotError } from '../../../core/errors.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { PASSWORD } from '../gateway/helpers.ts';
import { startFakeWhatsApp } from '../../helpers/fake-whatsapp.ts';
import { startWhatsApp, until } from './harness.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

async function startError(section: Record<string, unknown>, options: { credentials?: boolean } = {}): Promise<MoltbotError> {
  try {
    await startWhatsApp(section, options);
  } catch (error) {
    return error as MoltbotError;
  }
  throw new Error('the kernel started');
}

describe('channel-whatsapp config', () => {
  it('runs the guide sample as pasted, credentials from WHATSAPP_* variables', async () => {
    const wa = await startFakeWhatsApp();
    vi.stubEnv('WHATSAPP_PHONE_NUMBER_ID', wa.phoneNumberId);
    vi.stubEnv('WHATSAPP_ACCESS_TOKEN', wa.accessToken);
    vi.stubEnv('WHATSAPP_APP_SECRET', wa.appSecret);
    vi.stubEnv('WHATSAPP_VERIFY_TOKEN', 'from-the-environment');
    // The guide's three keys; apiBaseUrl only points the channel at the fake Graph API.
    const h = await startWhatsApp({ enabled: true, dmPolicy: 'pairing', allowFrom: ['+1234567890'], apiBaseUrl: wa.url }, { credentials: false, wa });
    expect((await wa.verify(h.webhookUrl, 'from-the-environment', 'c-1')).body).toBe('c-1');
    await wa.deliver(h.webhookUrl, wa.messageEvent({ from: '1234567890', text: 'hi, it is me' }));
    await wa.deliver(h.webhookUrl, wa.messageEvent({ from: '4915112345678', text: 'who are you?' }));
    const sent = await wa.waitForSent(2);
    expect(sent.find((m) => m.to === '1234567890')?.text).toBe('echo: hi, it is me');
    expect(sent.find((m) => m.to === '4915112345678')?.text).toMatch(/pairing code is [A-Z0-9]{8}/);
  });

  it('names an invalid allowFrom entry and the fix (exit 78)', async () => {
    const error = await startError({ allowFrom: ['+1 234 567 890', 'my-friend'] });
    expect(error.code).toBe('MOLT_ERR_CONFIG_INVALID');
    expect(error.path).toBe('channels.whatsapp.allowFrom[1]');
    expect(error.message).toContain('"my-friend"');
    expect(error.fix).toMatch(/country code/);
    expect(error.exitCode).toBe(78);
  });

  it('names an unknown platform key by its channels.whatsapp path', async () => {
    const error = await startError({ apiBaseURL: 'http://127.0.0.1:1' });
    expect(error.code).toBe('MOLT_ERR_PLUGIN_OPTIONS_INVALID');
    expect(error.message).toContain('channels.whatsapp');
    expect(error.message).toContain('apiBaseUrl');
  });

  it('a missing credential stops the start (naming it and its variable), not a CLI-style load', async () => {
    const error = await startError({ phoneNumberId: '1234', appSecret: 'a', verifyToken: 'v' }, { credentials: false });
    expect(error.path).toBe('channels.whatsapp.accessToken');
    expect(error.fix).toContain('WHATSAPP_ACCESS_TOKEN');
    expect(error.exitCode).toBe(78);
    // What `moltbot pairing approve` does in a shell without the WHATSAPP_* variables.
    const kernel = await createTestKernel({
      start: false,
      config: { gateway: { auth: { mode: 'password', password: PASSWORD } }, channels: { whatsapp: { dmPolicy: 'pairing' } }, plugins: ['rate-limit', 'auth-password', 'gateway', 'channels'] },
    });
    await kernel.load();
    expect(kernel.plugins().find((p) => p.name === 'channel-whatsapp')?.status).toBe('set-up');
  });
});

describe('channel-whatsapp webhook edges', () => {
  it('refuses a body over maxBodyBytes (413) and signed junk (400); nothing processed', async () => {
    const h = await startWhatsApp({ dmPolicy: 'open', allowFrom: ['*'], maxBodyBytes: 2048 });
    const big = h.wa.messageEvent({ from: '15551234567', text: 'x'.repeat(4000) });
    expect((await h.wa.deliver(h.webhookUrl, big)).status).toBe(413);
    expect((await h.wa.deliver(h.webhookUrl, 'not json')).status).toBe(400);
    expect(h.status().inbound).toEqual({ accepted: 0, dropped: 0, pairing: 0 });
    expect(h.fake.requests).toHaveLength(0);
  });

  it('a "failed" delivery receipt raises the alert without degrading the channel', async () => {
    const h = await startWhatsApp({ dmPolicy: 'open', allowFrom: ['*'] });
    const receipt = h.wa.statusEvent('wamid.out7', 'failed', '15551234567', { code: 131026, title: 'Message undeliverable' });
    expect((await h.wa.deliver(h.webhookUrl, receipt)).status).toBe(200);
    await until(() => h.alerts.length === 1, 'the alert');
    expect(h.alerts[0]!.message).toContain('wamid.out7 undelivered (code 131026: Message undeliverable)');
    expect(h.status().state).toBe('connected');
  });
});
