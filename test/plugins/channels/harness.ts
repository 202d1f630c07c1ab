/**
 * Channels test kit: the fake model provider, a gateway kernel with the agent, the `channels`
 * plugin and a fake channel (test/helpers/fake-channel.ts). Everything closes after the test.
 */
import { onTestFinished } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';
import { createFakeChannel, type FakeChannel } from '../../helpers/fake-channel.ts';
import { connectClient, startGateway, type GatewayHarness, type TestClient } from '../gateway/helpers.ts';
import type { ChannelsService } from '../../../sdk/channels/contract.ts';
import type { PluginEntry } from '../../../core/resolve-plugin.ts';
import { channelsServiceRef } from '../../../sdk/channels/index.ts';

export interface ChannelsHarness extends GatewayHarness {
  fake: FakeProvider;
  channel: FakeChannel;
  channels: ChannelsService;
  client(): Promise<TestClient>;
}

export interface ChannelsHarnessOptions {
  /** channels.<id> settings of the fake channel (id "fake"). */
  settings?: Record<string, unknown>;
  maxMessageLength?: number;
  env?: Record<string, string>;
  extra?: PluginEntry[];
  channel?: FakeChannel;
  /** `agent.workspace` (files the agent's tools reach). */
  workspace?: string;
  /** `providers.fake.images` (the fake's models take images when true). */
  images?: boolean;
  /** Options of the `channels` plugin (e.g. `media`). */
  channelsOptions?: Record<string, unknown>;
}

export async function startChannels(options: ChannelsHarnessOptions = {}): Promise<ChannelsHarness> {
  const fake = await startFakeProvider();
  onTestFinished(() => fake.close());
  const channel = options.channel ?? createFakeChannel({ ...(options.maxMessageLength ? { maxMessageLength: options.maxMessageLength } : {}) });
  const harness = await startGateway({
    extra: ['session-store-file', 'provider-openai', 'agent', options.channelsOptions ? ['channels', options.channelsOptions] : 'channels', channel.plugin, ...(options.extra ?? [])],
    ...(options.env ? { env: options.env } : {}),
    config: {
      agent: { model: 'fake/primary', retryDelay: 5, ...(options.workspace ? { workspace: options.workspace } : {}) },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key', ...(options.images !== undefined ? { images: options.images } : {}) } },
      channels: { [channel.adapter.id]: { ...options.settings } },
    },
  });
  return { ...harness, fake, channel, channels: harness.kernel.use(channelsServiceRef), client: () => connectClient(harness.url) };
}
