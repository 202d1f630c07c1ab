/**
 * Slack test kit: the fake Slack (test/helpers/fake-slack.ts: Web API + Socket Mode) and a
 * channel gateway (test/helpers/channel-gateway.ts) whose `channels.slack` points at it, the
 * way a user's config does. Everything closes after the test.
 */
import { onTestFinished } from 'vitest';
import type { ChannelStatus } from '../../../sdk/channels/contract.ts';
import { startChannelGateway, type ChannelGateway } from '../../helpers/channel-gateway.ts';
import { startFakeSlack, type FakeSlack } from '../../helpers/fake-slack.ts';

export { until } from '../../helpers/channel-gateway.ts';

export const ALICE = 'U0ALICE001';
export const BOB = 'U0BOB00001';
export const GENERAL = 'C0GENERAL1';
export const SIGNING_SECRET = 'fake-signing-secret-0123456789abcdef';

export interface SlackHarness extends ChannelGateway {
  slack: FakeSlack;
  status(): ChannelStatus;
  waitForState(state: ChannelStatus['state'], timeoutMs?: number): Promise<ChannelStatus>;
  /** The events route (events mode). */
  eventsUrl: string;
}

export interface SlackHarnessOptions {
  slack?: FakeSlack;
  /** Wait for `connected` before returning (default true). */
  waitConnected?: boolean;
  /** `agent.workspace` (files the agent's tools reach). */
  workspace?: string;
}

/** `section` goes under channels.slack, over the fake's tokens and URL. */
export async function startSlack(section: Record<string, unknown> = {}, options: SlackHarnessOptions = {}): Promise<SlackHarness> {
  const slack = options.slack ?? await startFakeSlack();
  if (!options.slack) onTestFinished(() => slack.close());
  const gateway = await startChannelGateway({
    slack: {
      botToken: slack.botToken,
      appToken: slack.appToken,
      apiUrl: slack.apiUrl,
      reconnectBaseMs: 20,
      reconnectMaxMs: 200,
      ...section,
    },
  }, options.workspace ? { workspace: options.workspace } : {});
  const status = () => gateway.statusOf('slack');
  const waitForState = (state: ChannelStatus['state'], timeoutMs?: number) => gateway.waitForChannelState('slack', state, timeoutMs);
  if (options.waitConnected !== false) await waitForState('connected');
  return { ...gateway, slack, status, waitForState, eventsUrl: `${gateway.httpUrl}/channels/slack/events` };
}
