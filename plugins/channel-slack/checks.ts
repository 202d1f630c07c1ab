/**
 * Doctor (`diagnose`) check `channels.slack.auth`: asks Slack (`auth.test`) whether the bot
 * token works and which scopes it carries. A revoked token, or an app reinstalled without
 * `chat:write` or the history scopes, fails silently otherwise: events stop arriving or
 * replies are refused, and nothing on our side says why.
 * Audit (`moltbot security audit`): a Slack secret that is also the gateway's password or token,
 * and a Web API URL in plain HTTP to another machine (the SDK's shared findings, moltbot/plugin-sdk/channels).
 */
import type { CheckReport } from '../../sdk/core/index.ts';
import { channelHttpChecks } from '../../sdk/channels/index.ts';
import { describeFailure } from './errors.ts';
import type { SlackOptions } from './options.ts';
import type { AuthInfo } from './web.ts';

const ID = 'channels.slack.auth';

/** Scope → what stops working without it. */
const SCOPES: readonly { scope: string; anyOf?: string[]; what: string; critical?: boolean }[] = [
  { scope: 'chat:write', what: 'replies (chat.postMessage)', critical: true },
  { scope: 'im:history', what: 'direct messages (message.im events)' },
  { scope: 'app_mentions:read', anyOf: ['app_mentions:read', 'channels:history', 'groups:history'], what: 'mentions in channels (app_mention or message.channels events)' },
  { scope: 'users:read', what: 'sender names (users.info; senders are shown by id)' },
];

export async function diagnoseSlack(authTest: () => Promise<AuthInfo>, tokens: readonly (string | undefined)[], report: CheckReport): Promise<void> {
  let info: AuthInfo;
  try {
    info = await authTest();
  } catch (error) {
    const failure = describeFailure(error, 'auth.test', tokens);
    report.add({
      id: ID,
      severity: failure.auth ? 'critical' : 'warning',
      title: failure.auth ? 'Slack refuses the bot token' : 'Slack could not be asked about the bot token',
      description: failure.message,
      recommendation: failure.auth
        ? 'Copy the Bot User OAuth Token (xoxb-…) again from the app\'s OAuth & Permissions page (reinstalling the app issues a new one) into the variable channels.slack.botToken names.'
        : 'Check the network to the Slack Web API (channels.slack.apiUrl).',
    });
    return;
  }
  const who = `Bot ${info.name ?? info.userId} in ${info.team ?? info.teamId ?? 'its workspace'}`;
  if (info.scopes === undefined) {
    report.add({ id: ID, severity: 'ok', title: 'Slack bot token works', description: `${who} (Slack did not list the token's scopes).` });
    return;
  }
  const has = new Set(info.scopes);
  const missing = SCOPES.filter((entry) => !(entry.anyOf ?? [entry.scope]).some((scope) => has.has(scope)));
  if (missing.length === 0) {
    report.add({ id: ID, severity: 'ok', title: 'Slack bot token works', description: `${who}; scopes: ${info.scopes.join(', ')}.` });
    return;
  }
  report.add({
    id: ID,
    severity: missing.some((entry) => entry.critical) ? 'critical' : 'warning',
    title: 'The Slack bot token lacks scopes',
    description: `${who}. Missing: ${missing.map((entry) => `${entry.scope} (${entry.what})`).join('; ')}.`,
    recommendation: 'Add the scopes under the app\'s OAuth & Permissions → Bot Token Scopes, reinstall the app to the workspace, and subscribe to the bot events message.im, message.channels and app_mention.',
  });
}

export function auditSlack(options: SlackOptions, config: Readonly<Record<string, any>>, report: CheckReport): void {
  const secrets: Record<string, string> = { botToken: options.botToken };
  if (options.appToken) secrets['appToken'] = options.appToken;
  if (options.signingSecret) secrets['signingSecret'] = options.signingSecret;
  for (const check of channelHttpChecks('slack', config, secrets, { apiUrl: options.apiUrl })) report.add(check);
}
