/**
 * Discord test kit: the fake Discord API (REST + Gateway, test/helpers/fake-discord.ts), the
 * fake model provider and a gateway kernel with the agent and the real `channels` service;
 * `channels.discord` in the config loads `channel-discord` the way a user's config does.
 */
import { onTestFinished } from 'vitest';
import { startChannelGateway, type ChannelGateway, type ChannelGatewayOptions } from '../../helpers/channel-gateway.ts';
import { startFakeDiscord, type DiscordUserShape, type FakeDiscord } from '../../helpers/fake-discord.ts';
import { until as untilValue } from '../../helpers/fake-http.ts';
import type { ChannelStatus } from '../../../sdk/channels/contract.ts';

export interface DiscordHarness extends ChannelGateway {
  dc: FakeDiscord;
  status(): ChannelStatus;
  waitForState(state: ChannelStatus['state'], timeoutMs?: number): Promise<ChannelStatus>;
}

export async function startDiscord(options: { settings?: Record<string, unknown>; waitConnected?: boolean; fake?: Parameters<typeof startFakeDiscord>[0]; /** Provider format, image support, channels options (media). */ gateway?: ChannelGatewayOptions } = {}): Promise<DiscordHarness> {
  const dc = await startFakeDiscord(options.fake);
  onTestFinished(() => dc.close());
  const harness = await startChannelGateway({
    discord: { botToken: dc.token, apiBaseUrl: dc.apiBaseUrl, requestTimeoutMs: 3000, reconnectBaseMs: 20, reconnectMaxMs: 200, ...options.settings },
  }, options.gateway ?? {});
  const status = () => harness.statusOf('discord');
  const waitForState = (state: ChannelStatus['state'], timeoutMs?: number) => harness.waitForChannelState('discord', state, timeoutMs);
  if (options.waitConnected !== false) await waitForState('connected');
  return { ...harness, dc, status, waitForState };
}

export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  await untilValue(() => (check() ? true : undefined), timeoutMs, what);
}

export const ALICE: DiscordUserShape = { id: '400000000000000042', username: 'alice', global_name: 'Alice' };
export const BOB: DiscordUserShape = { id: '400000000000000043', username: 'bob', global_name: 'Bob' };
export const GENERAL = '500000000000000001';
export const THREAD = '500000000000000002';
