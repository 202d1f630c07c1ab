/**
 * `channel-webhook`: a generic signed HTTP channel. Your system POSTs messages to the gateway
 * and receives the replies as signed POSTs to `callbackUrl`; policy, pairing, sessions,
 * chunking and the retry queue are the `channels` service's. Config: `channels.webhook`
 * (see README.md beside this file).
 */
import schema from '../../schemas/plugins/channel-webhook.json' with { type: 'json' };
import validate from '../../schemas/generated/channel-webhook.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { gatewayServiceRef } from '../../sdk/gateway/index.ts';
import { channelHttpChecks, channelSection, channelsServiceRef, createDeliveryHealth, platformOptions } from '../../sdk/channels/index.ts';
import { createWebhookAdapter } from './adapter.ts';
import { registerWebhookRoute } from './route.ts';
import { resolveWebhookSettings } from './settings.ts';

export { signedHeaders, verifySigned, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './protocol.ts';

export default definePlugin({
  name: 'channel-webhook',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Generic HTTP channel: signed JSON webhook in, signed callback POST out',
  sections: ['channels.webhook'],
  schema,
  validate,
  dependencies: ['channels', 'gateway'],
  consumes: [channelsServiceRef],
  setup(ctx, options) {
    // Implied by `channels.webhook`, the options are its platform keys; listed in `plugins`, the entry's options win over them.
    const settings = resolveWebhookSettings({ ...platformOptions(channelSection(ctx.config, 'webhook')), ...options });
    const health = createDeliveryHealth({
      channel: 'webhook',
      degradeAfter: settings.degradeAfter,
      alert: (alert) => ctx.hooks.alert.promise(alert),
      log: ctx.log,
    });
    const adapter = createWebhookAdapter(settings, { health, isListening: () => ctx.use(gatewayServiceRef).address() !== undefined });
    ctx.hooks.httpRoute.tap(ctx.name, (router) => registerWebhookRoute(router, { settings, adapter, log: ctx.log }));
    ctx.hooks.ready.tap(ctx.name, () => adapter.listening());
    ctx.hooks.audit.tapPromise(ctx.name, async (report) => {
      for (const check of channelHttpChecks('webhook', ctx.config, { secret: settings.secret }, { callbackUrl: settings.callbackUrl })) report.add(check);
    });
    ctx.use(channelsServiceRef).register(adapter);
  },
});
