/** `alert-webhook`: each alert event POSTed as JSON, retried with backoff, optionally HMAC-signed. */
import schema from '../../schemas/plugins/alert-webhook.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/alert-webhook.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { deliverWebhook, describeUrl, tapAlertSink, type WebhookSettings } from '../../sdk/alerts/index.ts';

export { sign, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../sdk/alerts/index.ts';
export type AlertWebhookOptions = WebhookSettings;

export default definePlugin<AlertWebhookOptions>({
  name: 'alert-webhook',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Alert sink "webhook": JSON POST per alert event, retries with backoff, optional HMAC-SHA256 signature',
  schema,
  validate: validateOptions,
  defaults: { retries: 3, backoffMs: 500, timeoutMs: 5000 },
  setup(ctx, options) {
    ctx.log.debug({ target: describeUrl(options.url), signed: options.secret !== undefined }, 'alert webhook ready');
    tapAlertSink(ctx, 'webhook', async (alert) => {
      const result = await deliverWebhook(options, alert, ctx.signal);
      if (result.attempts > 1) ctx.log.warn({ alert: alert.id, attempts: result.attempts }, 'alert webhook delivered after retries');
    });
  },
});
