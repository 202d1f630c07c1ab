/**
 * WhatsApp test kit: the fake model provider, the fake WhatsApp Cloud API
 * (test/helpers/fake-whatsapp.ts), and a gateway kernel with the agent and the real `channels`
 * service; `channels.whatsapp` in the config loads `channel-whatsapp` (no `plugins` entry).
 * Alerts are collected from the kernel's `alert` hook. Everything closes after the test.
 */
import { onTestFinished } from 'vitest';
import type { Alert } from '../../../core/hook-types.ts';
import { definePlugin } from '../../../core/plugin.ts';
import type { ChannelsService } from '../../../plugins/channels/contract.ts';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';
import { startFakeWhatsApp, type FakeWhatsApp } from '../../helpers/fake-whatsapp.ts';
import { connectClient, startGateway, type GatewayHarness, type TestClient } from '../gateway/helpers.ts';

export const VERIFY_TOKEN = 'verify-token-for-tests-42';

export interface WhatsAppHarness extends GatewayHarness {
  fake: FakeProvider;
  wa: FakeWhatsApp;
  channels: ChannelsService;
  alerts: Alert[];
  webhookUrl: string;
  client(): Promise<TestClient>;
  /** A signed text message from `from`, as Meta posts it. */
  send(from: string, text: string, id?: string): Promise<{ status: number; body: string }>;
}

/** `section` goes under channels.whatsapp, over the fake's credentials and URL; `credentials: false` leaves them out. */
export async function startWhatsApp(section: Record<string, unknown> = {}, options: { credentials?: boolean; wa?: FakeWhatsApp } = {}): Promise<WhatsAppHarness> {
  const fake = await startFakeProvider();
  onTestFinished(() => fake.close());
  const wa = options.wa ?? await startFakeWhatsApp();
  onTestFinished(() => wa.close());
  const credentials = options.credentials === false ? {} : { phoneNumberId: wa.phoneNumberId, accessToken: wa.accessToken, appSecret: wa.appSecret, verifyToken: VERIFY_TOKEN };
  const alerts: Alert[] = [];
  const alertSink = definePlugin({ name: 'test-alert-sink', version: '1.0.0', setup(ctx) { ctx.hooks.alert.tap(ctx.name, (alert) => void alerts.push(alert)); } });
  const harness = await startGateway({
    extra: ['session-store-file', 'provider-openai', 'agent', 'channels', alertSink],
    config: {
      agent: { model: 'fake/primary', retryDelay: 5 },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key' } },
      channels: { whatsapp: { apiBaseUrl: wa.url, ...credentials, ...section } },
    },
  });
  const webhookUrl = `${harness.httpUrl}/channels/whatsapp/webhook`;
  return {
    ...harness,
    fake,
    wa,
    channels: harness.kernel.use('channels'),
    alerts,
    webhookUrl,
    client: () => connectClient(harness.url),
    send: (from, text, id) => wa.deliver(webhookUrl, wa.messageEvent({ from, text, ...(id ? { id } : {}) })),
  };
}

export function whatsappStatus(channels: ChannelsService) {
  const status = channels.status().find((s) => s.id === 'whatsapp');
  if (status === undefined) throw new Error('no whatsapp channel in channels.status()');
  return status;
}

/** Polls until `check` returns true (state changes land after an HTTP answer). */
export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
