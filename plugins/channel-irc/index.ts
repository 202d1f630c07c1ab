/**
 * `channel-irc`: the IRC channel (irc-framework). Its options are the platform keys of
 * `channels.irc`; the `channels` service runs the adapter (policy, pairing, sessions, chunking,
 * outbound queue, status).
 */
import schema from '../../schemas/plugins/channel-irc.json' with { type: 'json' };
import validate from '../../schemas/generated/channel-irc.validate.ts';
import { channelsServiceRef } from '../../sdk/channels/index.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { IrcAdapter } from './adapter.ts';
import { auditIrc } from './audit.ts';
import type { IrcOptions } from './options.ts';

export const CHANNEL_ID = 'irc';

export default definePlugin<IrcOptions>({
  name: 'channel-irc',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'IRC channel: DMs and channel mentions to the agent, replies back as paced PRIVMSGs',
  sections: ['channels.irc'],
  schema,
  validate,
  dependencies: ['channels'],
  consumes: [channelsServiceRef],
  setup(ctx, options) {
    ctx.use(channelsServiceRef).register(new IrcAdapter(CHANNEL_ID, options));
    const section = (ctx.config['channels']?.[CHANNEL_ID] ?? {}) as Readonly<Record<string, unknown>>;
    ctx.hooks.audit.tap(ctx.name, (report) => auditIrc(options, section, report));
  },
});
