/**
 * The webhook `ChannelAdapter`: each reply chunk is one signed JSON POST to `callbackUrl`.
 * A 2xx answer is delivered; network errors, timeouts, 429 and 5xx are retried by the
 * `channels` service (honouring `Retry-After`); any other answer fails the chunk.
 */
import { describeUrl } from '../../sdk/alerts/index.ts';
import { type ChannelTarget, type DeliveryHealth, httpSendError, postJson, webhookAdapter, type WebhookAdapter } from '../../sdk/channels/index.ts';
import { signedHeaders } from './protocol.ts';
import type { WebhookSettings } from './settings.ts';

export function createWebhookAdapter(settings: WebhookSettings, deps: { health: DeliveryHealth; isListening(): boolean }): WebhookAdapter {
  // The URL may carry a token: errors name its origin only.
  const label = `webhook callback to ${describeUrl(settings.callbackUrl)}`;
  return webhookAdapter({
    id: 'webhook',
    maxMessageLength: settings.maxMessageLength,
    async send(target: ChannelTarget, text: string) {
      return deps.health.track(async () => {
        const body = JSON.stringify({ chatType: target.chatType, chatId: target.chatId, text, ...(target.replyTo ? { replyTo: target.replyTo } : {}) });
        const result = await postJson(settings.callbackUrl, body, {
          headers: { ...signedHeaders(settings.secret, body), 'User-Agent': 'moltbot-channel-webhook/1' },
          timeoutMs: settings.requestTimeoutMs,
          label,
        });
        if (result.status < 200 || result.status > 299) throw httpSendError(label, result);
        const id = (result.body as { messageId?: unknown } | undefined)?.messageId;
        return typeof id === 'string' ? { messageId: id } : {};
      });
    },
  }, deps);
}
