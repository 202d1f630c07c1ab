/**
 * `channel-slack`: Slack as a channel. Events in through Socket Mode (default: an outbound
 * WebSocket, no public URL) or the HTTP Events API on a gateway route (signed); replies out
 * through `chat.postMessage`. Policy, pairing, sessions, chunking and the retry queue are the
 * `channels` service's. Config: `channels.slack` (see README.md beside this file).
 */
import schema from '../../schemas/plugins/channel-slack.json' with { type: 'json' };
import validate from '../../schemas/generated/channel-slack.validate.ts';
import { MoltbotError } from '../../sdk/core/index.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { gatewayServiceRef } from '../../sdk/gateway/index.ts';
import { channelsServiceRef } from '../../sdk/channels/index.ts';
import { createSlackAdapter } from './adapter.ts';
import { auditSlack, diagnoseSlack } from './checks.ts';
import { registerEventsRoute } from './events-route.ts';
import { withDefaults, type SlackOptions } from './options.ts';
import { openSocket } from './socket.ts';
import { createSlackWeb } from './web.ts';

export { SLACK_MAX_TEXT, mrkdwnParts } from './adapter.ts';
export { toMrkdwn, fromSlackText } from './mrkdwn.ts';
export { slackSignature } from './signature.ts';

export default definePlugin<SlackOptions>({
  name: 'channel-slack',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Slack channel (@slack/web-api + @slack/socket-mode: Socket Mode or the signed HTTP Events API)',
  sections: ['channels.slack'],
  schema,
  validate,
  dependencies: ['channels'],
  consumes: [channelsServiceRef],
  // Events mode serves its route on the gateway: set it up first when it is there.
  optionalDependencies: ['gateway'],
  setup(ctx, raw) {
    const options = withDefaults(raw);
    const gateway = ctx.useOptional(gatewayServiceRef);
    if (options.mode === 'events' && gateway === undefined) {
      throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
        message: 'channels.slack.mode is "events" but no gateway is loaded to receive the Events API requests',
        path: 'channels.slack.mode',
        plugin: ctx.name,
        fix: 'Run the gateway (moltbot gateway), or use "mode": "socket" with an appToken.',
      });
    }
    const web = createSlackWeb(options, ctx.log);
    const adapter = createSlackAdapter(options, { web, openSocket });
    if (options.mode === 'events') {
      ctx.hooks.httpRoute.tap(ctx.name, (router) => registerEventsRoute(router, { options, adapter, log: ctx.log }));
    }
    const tokens = [options.botToken, options.appToken, options.signingSecret];
    ctx.hooks.diagnose.tapPromise(ctx.name, (report) => diagnoseSlack(() => web.authTest(), tokens, report));
    ctx.hooks.audit.tap(ctx.name, (report) => auditSlack(options, ctx.config, report));
    ctx.use(channelsServiceRef).register(adapter);
  },
});
