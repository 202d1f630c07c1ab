/**
 * `channel-telegram`: the Telegram adapter for the channels service (grammy, long polling or
 * webhook). The service owns policy, pairing, sessions, chunking and the outbound queue.
 */
import schema from '../../schemas/plugins/channel-telegram.json' with { type: 'json' };
import validate from '../../schemas/generated/channel-telegram.validate.ts';
import { MoltbotError } from '../../sdk/core/index.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { gatewayServiceRef } from '../../sdk/gateway/index.ts';
import { channelsServiceRef } from '../../sdk/channels/index.ts';
import { createTelegramAdapter, type TelegramOptions } from './adapter.ts';
import { diagnoseTelegram } from './checks.ts';
import { createOffsetStore } from './offset-store.ts';
import { webhookRoute } from './webhook.ts';
import { telegramErrors } from './error-codes.ts';

export default definePlugin<TelegramOptions>({
  name: 'channel-telegram',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Telegram channel (Bot API through grammy: long polling or webhook)',
  sections: ['channels.telegram'],
  schema,
  validate,
  dependencies: ['channels'],
  consumes: [channelsServiceRef],
  // Webhook mode serves its route on the gateway: set it up first when it is there.
  optionalDependencies: ['gateway'],
  setup(ctx, options) {
    const gateway = ctx.useOptional(gatewayServiceRef);
    if (options.mode === 'webhook' && gateway === undefined) {
      throw new MoltbotError(telegramErrors.MOLT_ERR_TELEGRAM_WEBHOOK_GATEWAY, {
        message: 'channels.telegram.mode is "webhook" but no gateway is loaded to receive the updates',
        path: 'channels.telegram.mode',
        plugin: ctx.name,
      });
    }
    const gatewayUrl = () => {
      const address = gateway?.address();
      return address === undefined ? undefined : `${address.httpUrl}${options.webhookPath}`;
    };
    const adapter = createTelegramAdapter(options, {
      offsets: createOffsetStore(ctx.paths.data),
      webhookUrl: () => options.webhookUrl ?? gatewayUrl(),
    });
    if (options.mode === 'webhook') {
      // The route is public: refusals are logged at most once a minute (with a count), so a
      // flood of forged requests cannot flood the log.
      let refused = 0;
      let lastWarn = 0;
      const onRejected = (reason: string) => {
        refused++;
        if (Date.now() - lastWarn < 60_000) return void ctx.log.debug({ reason }, 'telegram webhook request refused');
        lastWarn = Date.now();
        ctx.log.warn({ reason, refusedSinceStart: refused }, 'telegram webhook request refused');
      };
      ctx.hooks.httpRoute.tap(ctx.name, (router) => router.route(webhookRoute({
        path: options.webhookPath,
        secret: options.webhookSecret as string,
        handle: (update) => adapter.handleWebhookUpdate(update),
        onRejected,
      })));
    }
    ctx.hooks.diagnose.tapPromise(ctx.name, (report) => diagnoseTelegram(adapter, options.mode, options.webhookUrl ?? gatewayUrl(), report));
    ctx.use(channelsServiceRef).register(adapter);
  },
});
