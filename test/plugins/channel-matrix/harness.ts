/**
 * Matrix test kit: the fake model provider, the fake homeserver (test/helpers/fake-matrix.ts)
 * and a gateway kernel with the agent and the real `channels` service; `channels.matrix` in the
 * config loads `channel-matrix` the way a user's config does. Everything closes after the test.
 */
import { onTestFinished } from 'vitest';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';
import { startFakeMatrix, type FakeMatrix } from '../../helpers/fake-matrix.ts';
import { until as untilValue } from '../../helpers/fake-http.ts';
import { connectClient, startGateway, type GatewayHarness, type TestClient } from '../gateway/helpers.ts';
import type { ChannelsService, ChannelStatus } from '../../../sdk/channels/contract.ts';
import { channelsServiceRef } from '../../../sdk/channels/index.ts';

export interface MatrixHarness extends GatewayHarness {
  fake: FakeProvider;
  mx: FakeMatrix;
  channels: ChannelsService;
  client(): Promise<TestClient>;
  status(): ChannelStatus;
  waitForState(state: ChannelStatus['state'], timeoutMs?: number): Promise<ChannelStatus>;
}

export interface MatrixHarnessOptions {
  settings?: Record<string, unknown>;
  mx?: FakeMatrix;
  env?: Record<string, string>;
  waitConnected?: boolean;
}

export async function startMatrix(options: MatrixHarnessOptions = {}): Promise<MatrixHarness> {
  const fake = await startFakeProvider();
  onTestFinished(() => fake.close());
  const mx = options.mx ?? (await startFakeMatrix());
  if (!options.mx) onTestFinished(() => mx.close());
  const harness = await startGateway({
    extra: ['session-store-file', 'provider-openai', 'agent', 'channels'],
    ...(options.env ? { env: options.env } : {}),
    config: {
      agent: { model: 'fake/primary', retryDelay: 5 },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-openai-key' } },
      channels: {
        matrix: {
          homeserverUrl: mx.url,
          accessToken: mx.token,
          pollTimeoutMs: 5000,
          reconnectBaseMs: 20,
          reconnectMaxMs: 200,
          ...options.settings,
        },
      },
    },
  });
  const channels = harness.kernel.use(channelsServiceRef);
  const status = () => channels.status().find((s) => s.id === 'matrix') as ChannelStatus;
  const waitForState = (state: ChannelStatus['state'], timeoutMs = 10_000) =>
    untilValue(() => (status().state === state ? status() : undefined), timeoutMs, `the matrix channel to be ${state}`);
  if (options.waitConnected !== false) await waitForState('connected');
  return { ...harness, fake, mx, channels, status, waitForState, client: () => connectClient(harness.url) };
}

export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await untilValue(() => (check() ? true : undefined), timeoutMs, what);
}

export const ALICE = '@alice:fake.local';
export const BOB = '@bob:fake.local';
export const CAROL = '@carol:fake.local';
