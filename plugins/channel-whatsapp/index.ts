/**
 * `channel-whatsapp`: the WhatsApp Business Cloud API as a channel. Inbound through the
 * gateway's signed webhook route, outbound through the Graph API; policy, pairing, sessions,
 * chunking and the retry queue are the `channels` service's. Config: `channels.whatsapp`
 * (see README.md beside this file).
 */
import schema from '../../schemas/plugins/channel-whatsapp.json' with { type: 'json' };
import validate from '../../schemas/generated/channel-whatsapp.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { gatewayServiceRef } from '../../sdk/gateway/index.ts';
import { channelHttpChecks, channelSection, channelsServiceRef, createDeliveryHealth, platformOptions } from '../../sdk/channels/index.ts';
import { createWhatsAppAdapter } from './adapter.ts';
import { createGraphClient } from './graph.ts';
import { resolveWhatsAppSettings } from './settings.ts';
import { registerWhatsAppWebhook } from './webhook.ts';

export { normalizePhone, isE164 } from './phone.ts';
export { RATE_LIMIT_CODES, classifyGraphFailure } from './graph.ts';

export interface WhatsAppInject {
  /** Where the credential fallbacks (WHATSAPP_ACCESS_TOKEN…) are read; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export function createWhatsAppPlugin(inject: WhatsAppInject = {}) {
  return definePlugin({
    name: 'channel-whatsapp',
    version: '1.0.0',
    kernel: '^1.0.0',
    description: 'WhatsApp Business Cloud API channel (signed webhook in, Graph API out)',
    sections: ['channels.whatsapp'],
    schema,
    validate,
    dependencies: ['channels', 'gateway'],
    consumes: [channelsServiceRef],
    // Missing or malformed credentials are a config error for `config validate`, doctor and the
    // gateway's start alike; other CLI commands that only set plugins up (`pairing approve` in a
    // shell without those variables) still work.
    check({ config }, options) {
      const section = channelSection(config, 'whatsapp');
      resolveWhatsAppSettings({ ...platformOptions(section), ...options }, section, inject.env ?? process.env).credentials();
    },
    setup(ctx, options) {
      // Implied by `channels.whatsapp`, the options are its platform keys; listed in `plugins`, the entry's options win over them.
      const section = channelSection(ctx.config, 'whatsapp');
      const settings = resolveWhatsAppSettings({ ...platformOptions(section), ...options }, section, inject.env ?? process.env);
      const health = createDeliveryHealth({
        channel: 'whatsapp',
        degradeAfter: settings.degradeAfter,
        alert: (alert) => ctx.hooks.alert.promise(alert),
        log: ctx.log,
      });
      const graph = createGraphClient(settings);
      const adapter = createWhatsAppAdapter({
        graph,
        health,
        markRead: settings.markRead,
        isListening: () => ctx.use(gatewayServiceRef).address() !== undefined,
      });
      const counters = { stale: 0 };
      ctx.hooks.httpRoute.tap(ctx.name, (router) => registerWhatsAppWebhook(router, { settings, adapter, health, counters, log: ctx.log }));
      ctx.hooks.collectMetrics.tap(ctx.name, (collector) => collector.set('inbound_stale_dropped', counters.stale));
      ctx.hooks.ready.tap(ctx.name, () => adapter.listening());
      ctx.hooks.audit.tapPromise(ctx.name, async (report) => {
        let secrets = {};
        try {
          const { accessToken, appSecret, verifyToken } = settings.credentials();
          secrets = { accessToken, appSecret, verifyToken };
        } catch {
          // Not configured in this shell: nothing to compare.
        }
        for (const check of channelHttpChecks('whatsapp', ctx.config, secrets, { apiBaseUrl: settings.apiBaseUrl })) report.add(check);
      });
      ctx.use(channelsServiceRef).register(adapter);
    },
  });
}

export default createWhatsAppPlugin();
