/**
 * Doctor (`diagnose`) check `channels.telegram.webhook`: asks Telegram (getWebhookInfo) how
 * delivery goes. In webhook mode Telegram keeps the last delivery error (a TLS problem, a 401
 * from a wrong secret, a timeout) that no log on our side shows; in polling mode a webhook set
 * by someone else steals the updates (409 on every poll).
 */
import type { CheckReport } from '../../sdk/core/index.ts';
import type { TelegramAdapter } from './adapter.ts';

const ID = 'channels.telegram.webhook';
const TIMEOUT_MS = 5000;
/** A delivery error older than this is history, not a current problem. */
const RECENT_MS = 60 * 60 * 1000;

export async function diagnoseTelegram(adapter: TelegramAdapter, mode: 'polling' | 'webhook', expectedUrl: string | undefined, report: CheckReport, now = Date.now()): Promise<void> {
  let info;
  try {
    info = await adapter.webhookInfo(TIMEOUT_MS);
  } catch (error) {
    report.add({
      id: ID, severity: 'warning', title: 'Telegram could not be asked about webhook delivery',
      description: `getWebhookInfo failed: ${(error as Error).message}`,
      recommendation: 'Check the network to the Bot API (channels.telegram.apiRoot) and the bot token.',
    });
    return;
  }
  if (mode === 'polling') {
    if (info.url !== '') {
      report.add({
        id: ID, severity: 'warning', title: 'A webhook is set for this bot while it polls',
        description: `Telegram delivers updates to ${info.url}; each getUpdates fails with 409 until it is removed (the channel deletes it on each reconnect, so another program keeps setting it).`,
        recommendation: 'Stop the other program using this bot token, or switch channels.telegram.mode to "webhook".',
      });
    } else report.add({ id: ID, severity: 'ok', title: 'Telegram delivers by polling', description: `No webhook is set; ${info.pendingUpdateCount} update(s) wait.` });
    return;
  }
  const problems: string[] = [];
  if (expectedUrl !== undefined && info.url !== expectedUrl) problems.push(`Telegram delivers to ${info.url === '' ? '(no webhook)' : info.url}, not ${expectedUrl}.`);
  if (info.lastErrorMessage && info.lastErrorDate !== undefined && now - info.lastErrorDate < RECENT_MS) {
    problems.push(`Last delivery error (${new Date(info.lastErrorDate).toISOString()}): ${info.lastErrorMessage}.`);
  }
  if (problems.length === 0) {
    report.add({ id: ID, severity: 'ok', title: 'Telegram webhook delivery', description: `Delivering to ${info.url}; ${info.pendingUpdateCount} update(s) wait.` });
    return;
  }
  report.add({
    id: ID, severity: 'warning', title: 'Telegram webhook delivery has problems',
    description: `${problems.join(' ')} ${info.pendingUpdateCount} update(s) wait.`,
    recommendation: 'webhookUrl must be public HTTPS reaching the gateway\'s webhookPath, and only one gateway may use this bot token with the same webhookSecret; the channel sets the webhook again on its next reconnect (restart the gateway).',
  });
}
