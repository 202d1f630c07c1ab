/**
 * What a channel's outbound side tells the operator. After `degradeAfter` sends in a row fail,
 * the channel reports `degraded` (the `channels` service then holds its queue) and, after a
 * backoff from `host.backoff()`, `connected` again so the queue tries once more (half-open: a
 * failure degrades it at once, a success keeps it up). A message that finally fails (an error
 * the service will not retry, or a platform's "undelivered" receipt) and a degraded channel
 * raise the alert `channel.<id>.delivery`; the next successful send resolves it.
 */
import type { Alert } from '../core/index.ts';
import type { Logger } from '../core/index.ts';
import { ChannelSendError, type Backoff, type ChannelHost } from './contract.ts';

export interface DeliveryHealthOptions {
  channel: string;
  /** Failed sends in a row (retries included) before the channel reports degraded. */
  degradeAfter: number;
  alert(alert: Alert): Promise<void>;
  log: Logger;
  now?: () => number;
}

export interface DeliveryHealth {
  attach(host: ChannelHost | undefined): void;
  /** Runs one send, recording its outcome; the send's error is rethrown unchanged. */
  track<T>(send: () => Promise<T>): Promise<T>;
  /** Records a failure learnt outside a send (a platform's "undelivered" receipt): alerts, never degrades. */
  record(error: unknown): void;
  readonly consecutiveFailures: number;
}

export function createDeliveryHealth(options: DeliveryHealthOptions): DeliveryHealth {
  const now = options.now ?? Date.now;
  const alertId = `channel.${options.channel}.delivery`;
  let host: ChannelHost | undefined;
  let backoff: Backoff | undefined;
  let failures = 0;
  let degraded = false;
  let firing = false;
  let retryTimer: NodeJS.Timeout | undefined;
  const emit = (alert: Omit<Alert, 'id' | 'source' | 'at'>) => {
    options.alert({ id: alertId, source: `channel-${options.channel}`, at: now(), ...alert }).catch((error: unknown) => {
      options.log.warn({ err: error, alert: alertId }, 'an alert sink failed to take a channel delivery alert');
    });
  };
  const fire = (message: string) => {
    if (firing) return;
    firing = true;
    emit({ severity: 'critical', state: 'firing', message, data: { channel: options.channel, consecutiveFailures: failures } });
  };
  const clearRetry = () => {
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    retryTimer = undefined;
  };
  const succeeded = () => {
    failures = 0;
    backoff?.reset();
    if (degraded) {
      degraded = false;
      clearRetry();
      host?.setState('connected');
    }
    if (firing) {
      firing = false;
      emit({ severity: 'info', state: 'resolved', message: `${options.channel}: messages are delivered again` });
    }
  };
  const failed = (error: unknown) => {
    failures++;
    const message = error instanceof Error ? error.message : String(error);
    if (!(error instanceof ChannelSendError) || !error.retryable) {
      options.log.warn({ channel: options.channel, error: message }, 'a channel message could not be delivered');
      fire(`${options.channel}: a message could not be delivered: ${message}`);
    }
    if (failures >= options.degradeAfter && host !== undefined && retryTimer === undefined) {
      degraded = true;
      host.setState('degraded', error);
      fire(`${options.channel}: ${failures} deliveries in a row failed (last: ${message})`);
      const current = host;
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        if (degraded && host === current) current.setState('connected');
      }, backoff?.next() ?? 1000);
      retryTimer.unref();
    }
  };
  return {
    attach(next) {
      clearRetry();
      host = next;
      backoff = next?.backoff({ baseMs: 1000, maxMs: 60_000 });
      failures = 0;
      degraded = false;
    },
    async track(send) {
      try {
        const result = await send();
        succeeded();
        return result;
      } catch (error) {
        failed(error);
        throw error;
      }
    },
    record(error) {
      // One recipient's undelivered message says nothing about the channel: alert, do not degrade.
      const message = error instanceof Error ? error.message : String(error);
      options.log.warn({ channel: options.channel, error: message }, 'a channel message could not be delivered');
      fire(`${options.channel}: a message could not be delivered: ${message}`);
    },
    get consecutiveFailures() {
      return failures;
    },
  };
}
