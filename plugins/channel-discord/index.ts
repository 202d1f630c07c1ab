/**
 * `channel-discord`: the Discord channel (Gateway v10 WebSocket for inbound, REST v10 for
 * replies, spoken directly over `ws` and fetch). The `channels` service owns policy, pairing,
 * sessions, chunking to 2000 characters and the outbound queue.
 */
import schema from '../../schemas/plugins/channel-discord.json' with { type: 'json' };
import validate from '../../schemas/generated/channel-discord.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { channelsServiceRef } from '../../sdk/channels/index.ts';
import { createDiscordAdapter } from './adapter.ts';
import { auditDiscord, diagnoseDiscord } from './checks.ts';
import type { DiscordOptions } from './options.ts';

export const CHANNEL_ID = 'discord';

export default definePlugin<DiscordOptions>({
  name: 'channel-discord',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Discord channel: DMs and guild channel mentions (threads included) to the agent, over the Gateway WebSocket and REST API',
  sections: ['channels.discord'],
  schema,
  validate,
  dependencies: ['channels'],
  consumes: [channelsServiceRef],
  setup(ctx, options) {
    const adapter = createDiscordAdapter(options, CHANNEL_ID);
    const section = (ctx.config['channels']?.[CHANNEL_ID] ?? {}) as Readonly<Record<string, unknown>>;
    ctx.hooks.diagnose.tapPromise(ctx.name, (report) => diagnoseDiscord(adapter, report));
    ctx.hooks.audit.tap(ctx.name, (report) => auditDiscord(options, section, report));
    ctx.use(channelsServiceRef).register(adapter);
  },
});
