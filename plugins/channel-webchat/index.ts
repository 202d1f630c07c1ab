/** `channel-webchat`: the control UI's chat as a channel (see adapter.ts and README.md). */
import schema from '../../schemas/plugins/channel-webchat.json' with { type: 'json' };
import validate from '../../schemas/generated/channel-webchat.validate.ts';
import { chatAttachmentsRef } from '../../sdk/agent/index.ts';
import { channelsServiceRef } from '../../sdk/channels/index.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { gatewayServiceRef, type GatewayService } from '../../sdk/gateway/index.ts';
import { WEBCHAT_MAX_MEDIA, createWebchatAdapter } from './adapter.ts';
import { mediaDir, WebchatMediaStore } from './media-store.ts';
import { registerMediaRoute } from './media-route.ts';
import { registerUploadRoute } from './upload-route.ts';
import { createUploadAttachments } from './upload-attachments.ts';

export { WEBCHAT_EVENT, type ChatMessageEvent } from './adapter.ts';

export default definePlugin({
  name: 'channel-webchat',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'The gateway\'s own chat (control UI) as a channel: owner messages go to the main session, channels.send("webchat") reaches connected clients',
  sections: ['channels.webchat'],
  schema,
  validate,
  dependencies: ['channels'],
  consumes: [channelsServiceRef],
  // Files pasted or dropped into the control UI's chat reach the agent with chat.send.
  provides: [chatAttachmentsRef],
  optionalDependencies: ['gateway'],
  setup(ctx) {
    const gateway = (): GatewayService | undefined => ctx.useOptional(gatewayServiceRef);
    let store: WebchatMediaStore | undefined;
    const media = () => (store ??= new WebchatMediaStore(mediaDir(ctx.paths.stateDir)));
    const channels = ctx.use(channelsServiceRef);
    channels.register(createWebchatAdapter(gateway, media));
    ctx.provide(chatAttachmentsRef, createUploadAttachments({ mediaDir: () => mediaDir(ctx.paths.stateDir), channels: () => channels }));
    // Files sent to webchat are fetched through the gateway with the client's credential.
    ctx.hooks.httpRoute.tap(ctx.name, (router) => {
      registerMediaRoute(router, media);
      // Files pasted or dropped into the control UI's chat.
      registerUploadRoute(router, { mediaDir: () => mediaDir(ctx.paths.stateDir), maxBytes: WEBCHAT_MAX_MEDIA });
    });
    ctx.hooks.backupSources.tap(ctx.name, (sources) => [...sources, { name: 'webchat-media', path: mediaDir(ctx.paths.stateDir), plugin: ctx.name }]);
  },
});
