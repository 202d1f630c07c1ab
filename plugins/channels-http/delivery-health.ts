/**
 * What a channel's outbound side tells the operator: after `degradeAfter` sends in a row fail,
 * the channel reports `degraded` (with the last error in `channels.status`); a message that
 * finally fails (an error the `channels` service will not retry) raises an alert. The next
 * successful send brings the channel back to `connected` and resolves the alert.
 */
import type { Alert } from '../../core/hook-types.ts';
import type { Logger } from '../../core/log.ts';
import { ChannelSendError, type ChannelHost } from '../channels/contract.ts';

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
  /** Records a failure learnt outside a send (a platform's "undelivered" receipt). */
  record(error: unknown): void;
  readonly consecutiveFailures: number;
}

export function createDeliveryHealth(options: DeliveryHealthOptions): DeliveryHealth {
  const now = options.now ?? Date.now;
  const alertId = `channel.${options.channel}.delivery`;
  let host: ChannelHost | undefined;
  let failures = 0;
  let degraded = false;
  let firing = false;
  const emit = (alert: Omit<Alert, 'id' | 'source' | 'at'>) => {
    options.alert({ id: alertId, source: `channel-${options.channel}`, at: now(), ...alert }).catch((error: unknown) => {
      options.log.warn({ err: error, alert: alertId }, 'an alert sink failed to take a channel delivery alert');
    });
  };
  const succeeded = () => {
    failures = 0;
    if (degraded) {
      degraded = false;
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
    const final = !(error instanceof ChannelSendError) || !error.retryable;
    if (final) {
      firing = true;
      options.log.warn({ channel: options.channel, error: message }, 'a channel message could not be delivered');
      emit({ severity: 'critical', state: 'firing', message: `${options.channel}: a message could not be delivered: ${message}`, data: { channel: options.channel, consecutiveFailures: failures } });
    }
    if (!degraded && failures >= options.degradeAfter) {
      degraded = true;
      host?.setState('degraded', error);
    }
  };
  return {
    attach(next) {
      host = next;
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
    record: failed,
    get consecutiveFailures() {
      return failures;
    },
  };
}
