/**
 * Delivery of a run's reply: to a channel chat through the `channels` service, to a webhook
 * (POST JSON, a timeout per attempt, retries with doubling delays on network errors, 408, 429
 * and 5xx; other statuses fail at once), or nowhere.
 */
import { MoltbotError } from '../../sdk/core/index.ts';
import type { ChannelsService } from '../../sdk/channels/index.ts';
import type { Delivery } from './job.ts';
import { cronErrors } from './error-codes.ts';

export interface WebhookSettings {
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
}

export interface RunReport {
  jobId: string;
  /** The slot this run was for (ISO), absent for a manual run. */
  slot?: string;
  sessionKey: string;
  runId: string;
  text: string;
  at: string;
}

export interface DeliverDeps {
  channels(): ChannelsService;
  webhook: WebhookSettings;
}

const fail = (message: string, cause?: unknown) => new MoltbotError(cronErrors.MOLT_ERR_CRON_DELIVERY, { message, plugin: 'cron', ...(cause !== undefined ? { cause } : {}) });

export async function deliver(target: Delivery, report: RunReport, deps: DeliverDeps): Promise<void> {
  if (target === 'none') return;
  if ('webhook' in target) return postWebhook(target.webhook, report, deps.webhook);
  let channels: ChannelsService;
  try {
    channels = deps.channels();
  } catch (error) {
    throw fail(`delivery to channel "${target.channel}" needs the channels service (add the channels plugin)`, error);
  }
  try {
    await channels.send(target.channel, { chatType: target.chatType, chatId: target.chatId }, report.text);
  } catch (error) {
    throw fail(`delivery to channel "${target.channel}" failed: ${(error as Error).message}`, error);
  }
}

const RETRYABLE = (status: number) => status === 408 || status === 429 || status >= 500;

export async function postWebhook(url: string, report: RunReport, settings: WebhookSettings): Promise<void> {
  const where = new URL(url).origin;
  let last = '';
  for (let attempt = 0; attempt <= settings.retries; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, settings.retryDelayMs * 2 ** (attempt - 1)));
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'moltbot-cron' },
        body: JSON.stringify(report),
        redirect: 'error',
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      await response.body?.cancel();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
      if (!RETRYABLE(response.status)) break;
    } catch (error) {
      last = (error as Error).name === 'TimeoutError' ? `no answer within ${settings.timeoutMs} ms` : (error as Error).message;
    }
  }
  // The origin only: a token in the path or query stays out of logs and errors.
  throw fail(`webhook ${where} failed: ${last}`);
}
