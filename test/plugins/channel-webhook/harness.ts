/**
 * Webhook channel test kit: the fake model provider, a callback receiver (receiver.ts), and a
 * gateway kernel with the agent and the real `channels` service; `channels.webhook` in the
 * config loads `channel-webhook`. Alerts are collected. Everything closes after the test.
 */
import { onTestFinished } from 'vitest';
import type { Alert } from '../../../core/hook-types.ts';
import { definePlugin } from '../../../core/plugin.ts';
import type { ChannelsService, ChannelStatus } from '../../../plugins/channels/contract.ts';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';
import { connectClient, startGateway, type GatewayHarness, type TestClient } from '../gateway/helpers.ts';
import { postMessage, SECRET, startReceiver, type Receiver } from './receiver.ts';

export interface WebhookHarness extends GatewayHarness {
  fake: FakeProvider;
  receiver: Receiver;
  channels: ChannelsService;
  alerts: Alert[];
  inboundUrl: string;
  client(): Promise<TestClient>;
  post(message: Record<string, unknown>, options?: { secret?: string; timestamp?: number; signature?: string }): Promise<{ status: number; body: any }>;
  status(): ChannelStatus;
}

export async function startWebhook(section: Record<string, unknown> = {}): Promise<WebhookHarness> {
  const fake = await startFakeProvider();
  onTestFinished(() => fake.close());
  const receiver = await startReceiver();
  const alerts: Alert[] = [];
  const alertSink = definePlugin({ name: 'test-alert-sink', version: '1.0.0', setup(ctx) { ctx.hooks.alert.tap(ctx.name, (alert) => void alerts.push(alert)); } });
  const harness = await startGateway({
    extra: ['session-store-file', 'provider-openai', 'agent', 'channels', alertSink],
    config: {
      agent: { model: 'fake/primary', retryDelay: 5 },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key' } },
      channels: { webhook: { secret: SECRET, callbackUrl: receiver.url, ...section } },
    },
  });
  const channels = harness.kernel.use('channels');
  const inboundUrl = `${harness.httpUrl}${(section.path as string | undefined) ?? '/channels/webhook'}`;
  return {
    ...harness,
    fake,
    receiver,
    channels,
    alerts,
    inboundUrl,
    client: () => connectClient(harness.url),
    post: (message, options) => postMessage(inboundUrl, message, options),
    status: () => channels.status().find((s) => s.id === 'webhook')!,
  };
}
