/** The error codes the channel-telegram plugin raises (docs/errors.md lists every code). */
import { defineErrors, EXIT_CONFIG } from '../../sdk/core/index.ts';

export const telegramErrors = defineErrors('channel-telegram', {
  MOLT_ERR_TELEGRAM_WEBHOOK_GATEWAY: {
    title: 'Telegram webhook mode needs the gateway',
    fix: 'Load the `gateway` plugin (it serves the webhook route), or set channels.telegram.mode to "polling".',
    exitCode: EXIT_CONFIG,
  },
});
