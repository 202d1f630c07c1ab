/**
 * `channel-matrix`: the Matrix adapter for the channels service (Client-Server API v3 over
 * fetch: /sync long polls with a persisted since token). The service owns policy, pairing,
 * sessions, chunking and the outbound queue.
 */
import schema from '../../schemas/plugins/channel-matrix.json' with { type: 'json' };
import validate from '../../schemas/generated/channel-matrix.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { channelsServiceRef } from '../../sdk/channels/index.ts';
import { createMatrixAdapter } from './adapter.ts';
import { auditMatrix, diagnoseMatrix } from './checks.ts';
import type { MatrixOptions } from './options.ts';
import { createSyncStore } from './sync-store.ts';

export const CHANNEL_ID = 'matrix';

export default definePlugin<MatrixOptions>({
  name: 'channel-matrix',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Matrix channel (Client-Server API: /sync long polling; DMs and rooms; no end-to-end encryption)',
  sections: ['channels.matrix'],
  schema,
  validate,
  dependencies: ['channels'],
  consumes: [channelsServiceRef],
  setup(ctx, options) {
    const channels = ctx.use(channelsServiceRef);
    const adapter = createMatrixAdapter(options, {
      store: createSyncStore(ctx.paths.data),
      approved: () => channels.pairing.approved(CHANNEL_ID),
    }, CHANNEL_ID);
    const section = (ctx.config['channels']?.[CHANNEL_ID] ?? {}) as Readonly<Record<string, unknown>>;
    ctx.hooks.diagnose.tap(ctx.name, (report) => diagnoseMatrix(adapter, report));
    ctx.hooks.audit.tap(ctx.name, (report) => auditMatrix(options, section, report));
    channels.register(adapter);
  },
});
