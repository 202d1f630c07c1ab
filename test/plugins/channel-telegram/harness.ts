/**
 * Telegram test kit: the fake model provider, the fake Bot API (test/helpers/fake-telegram.ts)
 * and a gateway kernel with the agent and the real `channels` service; `channels.telegram` in
 * the config loads `channel-telegram` the way a user's config does. Everything closes after
 * the test.
 */
import { onTestFinished } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';
import { startFakeTelegram, type FakeTelegram } from '../../helpers/fake-telegram.ts';
import { until as untilValue } from '../../helpers/fake-http.ts';
import { connectClient, startGateway, type GatewayHarness, type TestClient } from '../gateway/helpers.ts';
import type { ChannelsService, ChannelStatus } from '../../../sdk/channels/contract.ts';
import { channelsServiceRef } from '../../../sdk/channels/index.ts';

export interface TelegramHarness extends GatewayHarness {
  fake: FakeProvider;
  tg: FakeTelegram;
  channels: ChannelsService;
  client(): Promise<TestClient>;
  status(): ChannelStatus;
  /** Resolves once the telegram channel reports `state` (polls; bounded). */
  waitForState(state: ChannelStatus['state'], timeoutMs?: number): Promise<ChannelStatus>;
}

export interface TelegramHarnessOptions {
  /** Extra `channels.telegram` keys (policy and platform keys). */
  settings?: Record<string, unknown>;
  /** Reuse a fake Bot API (e.g. across a restart). */
  tg?: FakeTelegram;
  env?: Record<string, string>;
  /** Wait for `connected` before returning (default true). */
  waitConnected?: boolean;
}

export async function startTelegram(options: TelegramHarnessOptions = {}): Promise<TelegramHarness> {
  const fake = await startFakeProvider();
  onTestFinished(() => fake.close());
  const tg = options.tg ?? (await startFakeTelegram());
  if (!options.tg) onTestFinished(() => tg.close());
  const harness = await startGateway({
    extra: ['session-store-file', 'provider-openai', 'agent', 'channels'],
    ...(options.env ? { env: options.env } : {}),
    config: {
      agent: { model: 'fake/primary', retryDelay: 5 },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key' } },
      channels: {
        telegram: {
          botToken: tg.token,
          apiRoot: tg.apiRoot,
          pollTimeoutSeconds: 5,
          reconnectBaseMs: 20,
          reconnectMaxMs: 200,
          ...options.settings,
        },
      },
    },
  });
  const channels = harness.kernel.use(channelsServiceRef);
  const status = () => channels.status().find((s) => s.id === 'telegram') as ChannelStatus;
  const waitForState = (state: ChannelStatus['state'], timeoutMs = 10_000) =>
    untilValue(() => (status().state === state ? status() : undefined), timeoutMs, `the telegram channel to be ${state}`);
  if (options.waitConnected !== false) await waitForState('connected');
  return { ...harness, fake, tg, channels, status, waitForState, client: () => connectClient(harness.url) };
}

/** Polls `check` until it returns true (bounded). */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await untilValue(() => (check() ? true : undefined), timeoutMs, what);
}

export const ALICE = { id: 42, first_name: 'Alice', username: 'alice' };
export const BOB = { id: 43, first_name: 'Bob' };
export const GROUP = { id: -1001234567890, type: 'supergroup' as const, title: 'Team' };
