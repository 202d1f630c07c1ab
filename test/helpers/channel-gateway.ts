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
import { until as untilValue } from './fake-http.ts';
import { startFakeProvider, type FakeProvider } from './fake-provider.ts';
import { channelsServiceRef } from '../../sdk/channels/index.ts';

export interface ChannelGateway extends GatewayHarness {
  fake: FakeProvider;
  channels: ChannelsService;
  alerts: Alert[];
  client(): Promise<TestClient>;
  /** `channels.status()` of one channel. */
  statusOf(id: string): ChannelStatus;
  /** Resolves once channel `id` reports `state` (polls; bounded). */
  waitForChannelState(id: string, state: ChannelStatus['state'], timeoutMs?: number): Promise<ChannelStatus>;
}

export interface ChannelGatewayOptions {
  env?: Record<string, string>;
  /** Wire format of the fake provider the agent talks to (default openai). */
  api?: 'openai' | 'anthropic';
  /** `providers.fake.images` (the fake's models take images when true). */
  images?: boolean;
  /** Options of the `channels` plugin (e.g. `media`). */
  channelsOptions?: Record<string, unknown>;
  /** The agent's workspace (files `send_file` may send). */
  workspace?: string;
}

export async function startChannelGateway(channels: Record<string, unknown>, options: ChannelGatewayOptions = {}): Promise<ChannelGateway> {
  const fake = await startFakeProvider();
  onTestFinished(() => fake.close());
  const alerts: Alert[] = [];
  const alertSink = definePlugin({ name: 'test-alert-sink', version: '1.0.0', setup(ctx) { ctx.hooks.alert.tap(ctx.name, (alert) => void alerts.push(alert)); } });
  const api = options.api ?? 'openai';
  const provider = api === 'openai'
    ? { api, baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key' }
    : { api, baseURL: fake.url, apiKey: 'fake-anthropic-key' };
  const harness = await startGateway({
    extra: ['session-store-file', `provider-${api}`, 'agent', ['channels', options.channelsOptions ?? {}], alertSink],
    ...(options.env ? { env: options.env } : {}),
    config: {
      agent: { model: 'fake/primary', retryDelay: 5, ...(options.workspace ? { workspace: options.workspace } : {}) },
      providers: { fake: { ...provider, ...(options.images !== undefined ? { images: options.images } : {}) } },
      channels,
    },
  });
  const service = harness.kernel.use(channelsServiceRef);
  const statusOf = (id: string) => {
    const status = service.status().find((s) => s.id === id);
    if (status === undefined) throw new Error(`no channel "${id}" in channels.status()`);
    return status;
  };
  return {
    ...harness,
    fake,
    channels: service,
    alerts,
    client: () => connectClient(harness.url),
    statusOf,
    waitForChannelState: (id, state, timeoutMs = 10_000) =>
      untilValue(() => (statusOf(id).state === state ? statusOf(id) : undefined), timeoutMs, `the ${id} channel to be ${state}`),
  };
}

/** Polls until `check` returns true (state changes land after an HTTP answer). */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await untilValue(() => check(), timeoutMs, what, 5);
}
