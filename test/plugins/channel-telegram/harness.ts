/**
 * Telegram test kit: the fake model provider, the fake Bot API (test/helpers/fake-telegram.ts)
 * and a gateway kernel with the agent and the real `channels` service; `channels.telegram` in
 * the config loads `channel-telegram` the way a user's config does. Everything closes after
 * the test.
 */
import { onTestFinished } from 'vitest';
import { startChannelGateway, type ChannelGateway } from '../../helpers/channel-gateway.ts';
import { startFakeTelegram, type FakeTelegram } from '../../helpers/fake-telegram.ts';
import type { ChannelStatus } from '../../../sdk/channels/contract.ts';

export { until } from '../../helpers/channel-gateway.ts';

export interface TelegramHarness extends ChannelGateway {
  tg: FakeTelegram;
  status(): ChannelStatus;
  /** Resolves once the telegram channel reports `state` (polls; bounded). */
  waitForState(state: ChannelStatus['state'], timeoutMs?: number): Promise<ChannelStatus>;
}

export interface TelegramHarnessOptions {
  /** Extra `channels.telegram` keys (policy and platform keys). */
  settings?: Record<string, unknown>;
  /** Reuse a fake server (e.g. across a restart). */
  tg?: FakeTelegram;
  env?: Record<string, string>;
  /** Wait for `connected` before returning (default true). */
  waitConnected?: boolean;
  /** `agent.workspace` (files the agent's tools reach). */
  workspace?: string;
}

export async function startTelegram(options: TelegramHarnessOptions = {}): Promise<TelegramHarness> {
  const tg = options.tg ?? (await startFakeTelegram());
  if (!options.tg) onTestFinished(() => tg.close());
  const harness = await startChannelGateway({ telegram: { botToken: tg.token, apiRoot: tg.apiRoot, pollTimeoutSeconds: 5, reconnectBaseMs: 20, reconnectMaxMs: 200, ...options.settings } }, { ...(options.env ? { env: options.env } : {}), ...(options.workspace ? { workspace: options.workspace } : {}) });
  const status = () => harness.statusOf('telegram');
  const waitForState = (state: ChannelStatus['state'], timeoutMs?: number) => harness.waitForChannelState('telegram', state, timeoutMs);
  if (options.waitConnected !== false) await waitForState('connected');
  return { ...harness, tg, status, waitForState };
}

export const ALICE = { id: 42, first_name: 'Alice', username: 'alice' };
export const BOB = { id: 43, first_name: 'Bob' };
export const GROUP = { id: -1001234567890, type: 'supergroup' as const, title: 'Team' };
