/**
 * A gateway kernel for channel plugin tests: the fake model provider, the agent, the real
 * `channels` service and an alert sink collecting what the kernel's `alert` hook carries.
 * `channels` is the root config's `channels` section: each `channels.<id>` loads
 * `channel-<id>` by itself. Everything closes after the test.
 */
import { onTestFinished } from 'vitest';
import type { Alert } from '../../core/hook-types.ts';
import { definePlugin } from '../../core/plugin.ts';
import type { ChannelsService, ChannelStatus } from '../../sdk/channels/contract.ts';
import { connectClient, startGateway, type GatewayHarness, type TestClient } from '../plugins/gateway/helpers.ts';
import { startFakeProvider, type FakeProvider } from './fake-provider.ts';
import { channelsServiceRef } from '../../sdk/channels/index.ts';

export interface ChannelGateway extends GatewayHarness {
  fake: FakeProvider;
  channels: ChannelsService;
  alerts: Alert[];
  client(): Promise<TestClient>;
  /** `channels.status()` of one channel. */
  statusOf(id: string): ChannelStatus;
}

export async function startChannelGateway(channels: Record<string, unknown>): Promise<ChannelGateway> {
  const fake = await startFakeProvider();
  onTestFinished(() => fake.close());
  const alerts: Alert[] = [];
  const alertSink = definePlugin({ name: 'test-alert-sink', version: '1.0.0', setup(ctx) { ctx.hooks.alert.tap(ctx.name, (alert) => void alerts.push(alert)); } });
  const harness = await startGateway({
    extra: ['session-store-file', 'provider-openai', 'agent', 'channels', alertSink],
    config: {
      agent: { model: 'fake/primary', retryDelay: 5 },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key' } },
      channels,
    },
  });
  const service = harness.kernel.use(channelsServiceRef);
  return {
    ...harness,
    fake,
    channels: service,
    alerts,
    client: () => connectClient(harness.url),
    statusOf(id) {
      const status = service.status().find((s) => s.id === id);
      if (status === undefined) throw new Error(`no channel "${id}" in channels.status()`);
      return status;
    },
  };
}

/** Polls until `check` returns true (state changes land after an HTTP answer). */
export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
