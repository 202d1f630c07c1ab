/** The `channels` plugin's error codes (registered with the open catalogue; the strings are unchanged, tests and scripts match them). */
import { EXIT_CONFIG, defineErrors } from '../../sdk/core/index.ts';

export const channelErrors = defineErrors('channels', {
  MOLT_ERR_CHANNEL_UNKNOWN: {
    title: 'A channels.<id> section names no channel plugin',
    fix: 'Install or list the plugin "channel-<id>" in `plugins`, fix the typo in the channel id, or remove the section (first-party channels: `moltbot plugins list`).',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_CHANNEL_INVALID: {
    title: 'Invalid channel adapter',
    fix: 'A ChannelAdapter needs an `id` matching [a-z0-9][a-z0-9_-]{0,63}, unique per kernel, a `maxMessageLength` >= 2, and start/stop/send functions (docs/channels.md).',
  },
  MOLT_ERR_CHANNEL_NOT_FOUND: {
    title: 'No such channel',
    fix: 'Send to a registered channel id (`moltbot channels status` or RPC channels.status lists them).',
  },
  MOLT_ERR_CHANNEL_MEDIA_REFUSED: {
    title: 'A file cannot be sent on this channel',
    fix: 'Send a file within the channel\'s size limit (shown in the message; Telegram photos 10 MiB, documents 50 MiB), at most 10 per reply, from inside the agent workspace; shrink or split larger files.',
  },
  MOLT_ERR_PAIRING_NOT_FOUND: {
    title: 'No pending pairing code',
    fix: 'The code expired (1 hour), was already used or is mistyped; `moltbot pairing list` shows the pending ones.',
  },
});
