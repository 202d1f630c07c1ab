/**
 * `channels`: runs every channel adapter (contract: moltbot/plugin-sdk/channels; docs/channels.md): DM/group
 * policy and pairing, session mapping, agent runs, chunking, the outbound queue, status,
 * metrics, doctor and audit checks, RPC and the `moltbot pairing` command.
 */
import schema from '../../schemas/plugins/channels.json' with { type: 'json' };
import validate from '../../schemas/generated/channels.validate.ts';
import { channelRelayRef, channelsServiceRef, pairingStoreRef, seenStoreRef, type PairingBackend, type SeenStore } from '../../sdk/channels/index.ts';
import { definePlugin, optionalService } from '../../sdk/core/index.ts';
import { agentServiceRef, toolRegistryRef } from '../../sdk/agent/index.ts';
import { workspaceFiles, type WorkspaceFiles } from '../../sdk/workspace/index.ts';
import { gatewayServiceRef } from '../../sdk/gateway/index.ts';
import { auditChannels, diagnoseChannels } from './checks.ts';
import { registerChannelsCommand, registerPairingCommand } from './cli.ts';
import { collectChannelMetrics } from './metrics.ts';
import { useOwnership, type OwnershipService } from '../../sdk/cluster/index.ts';
import { PairingStore, pairingDir } from './pairing-store.ts';
import { defineChannelMethods } from './rpc.ts';
import { createScrubber } from './scrub.ts';
import { FileSeenStore, seenFile } from './seen-store.ts';
import { homedir } from 'node:os';
import { createAgentRoute } from './session-route.ts';
import { createChannelsService } from './service.ts';
import { resolveMediaSettings, type MediaOptionsInput } from './media-settings.ts';
import { startMediaRetention } from './media-retention.ts';
import { MEDIA_DIR } from '../../sdk/channels/index.ts';
import { join } from 'node:path';
import { RunMedia } from './run-media.ts';
import { createSendFileTool } from './send-file-tool.ts';
import { trackGatewayRuns } from './gateway-runs.ts';

export interface ChannelsOptions {
  perInstance: string[];
  media?: MediaOptionsInput;
}

export default definePlugin<ChannelsOptions>({
  name: 'channels',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Channel runtime: DM/group policy, pairing, sessions, chunking, outbound queue, status',
  sections: ['channels'],
  schema,
  validate,
  // Without an agent messages are dropped ("no-agent"); without a gateway there are no RPC/events.
  // cluster-redis (when declared) provides ownership, the shared pairing store and the relay.
  optionalDependencies: ['gateway', 'agent', 'cluster-redis'],
  provides: [channelsServiceRef],
  consumes: [optionalService(pairingStoreRef), optionalService(seenStoreRef), optionalService(channelRelayRef), optionalService(toolRegistryRef)],
  defaults: { perInstance: ['webchat', 'webhook'] },
  setup(ctx, options) {
    // The pairing store: the shared one when a cluster plugin provides `pairingStoreRef`, else the file.
    let backend: PairingBackend | undefined;
    const pick = () => (backend ??= ctx.useOptional(pairingStoreRef) ?? new PairingStore(ctx.paths.stateDir));
    const store: PairingBackend = {
      load: (channel) => pick().load(channel),
      loadAll: () => pick().loadAll(),
      approvedSenders: (channel) => pick().approvedSenders(channel),
      list: (channel) => pick().list(channel),
      request: (...args) => pick().request(...args),
      approve: (...args) => pick().approve(...args),
      takeNotifications: (channel) => pick().takeNotifications(channel),
      reject: (...args) => pick().reject(...args),
      revoke: (...args) => pick().revoke(...args),
      flush: () => backend?.flush() ?? Promise.resolve(),
    };
    // Replay and message-id memory: shared through Redis when cluster-redis provides `seenStoreRef`, else the state-dir journal.
    let seenBackend: SeenStore | undefined;
    const pickSeen = () => (seenBackend ??= ctx.useOptional(seenStoreRef) ?? new FileSeenStore(seenFile(ctx.paths.stateDir)));
    const seen: SeenStore = {
      claim: (key, ttlMs) => pickSeen().claim(key, ttlMs),
      forget: (key) => pickSeen().forget(key),
    };
    let ownership: OwnershipService | undefined;
    const media = resolveMediaSettings(options.media);
    const runMedia = new RunMedia();
    const service = createChannelsService({
      config: () => ctx.config,
      hooks: ctx.hooks,
      log: ctx.log,
      store,
      seen,
      agent: () => ctx.useOptional(agentServiceRef),
      emit: (event, payload) => void ctx.useOptional(gatewayServiceRef)?.broadcast(event, payload, 'admin'),
      track: (work) => ctx.track(work),
      signal: ctx.signal,
      scrub: createScrubber(() => ctx.config, () => ctx.secrets),
      ownership: () => (ownership ??= useOwnership(ctx)),
      relay: () => ctx.useOptional(channelRelayRef),
      perInstance: options.perInstance,
      media,
      stateDir: ctx.paths.stateDir,
      runMedia,
      route: createAgentRoute(ctx.config, { workspace: ctx.paths.workspace, home: homedir() }),
    });
    // `send_file`: the agent attaches a workspace file to the reply of a channel run.
    const tools = ctx.useOptional(toolRegistryRef);
    if (tools) {
      let files: WorkspaceFiles | undefined;
      ctx.onClose(tools.register(createSendFileTool(() => (files ??= workspaceFiles(ctx)), runMedia)));
    }
    // Runs a gateway client started (the control UI's chat) send their files to webchat.
    let unwatch: (() => void) | undefined;
    ctx.onClose(() => unwatch?.());
    const gatewayRuns = trackGatewayRuns({ hooks: ctx.hooks, media: runMedia, runtime: (id) => service.runtimes().find((runtime) => runtime.id === id), log: ctx.log }, ctx.name);
    ctx.provide(channelsServiceRef, service);
    let running = false;
    ctx.hooks.start.tapPromise(ctx.name, async () => {
      running = true;
      const agent = ctx.useOptional(agentServiceRef);
      if (agent) unwatch = gatewayRuns.watch(agent);
      await service.startAll();
      if (media.retentionDays > 0) ctx.onClose(startMediaRetention(ctx.paths.stateDir, media.retentionDays, ctx.log));
    });
    ctx.onClose(async () => {
      await service.stopAll();
      if (seenBackend instanceof FileSeenStore) await seenBackend.close();
    }, { timeout: 15_000 });
    defineChannelMethods(ctx, service, async (channel) => {
      await store.load(channel);
      return store.approvedSenders(channel).map(({ sender, senderName, approvedAt }) => ({ sender, ...(senderName ? { senderName } : {}), approvedAt }));
    }, async (channel) => {
      await Promise.all((channel === undefined ? service.runtimes().map((runtime) => runtime.id) : [channel]).map((id) => store.load(id)));
    });
    ctx.hooks.collectMetrics.tap(ctx.name, (collector) => collectChannelMetrics(service.runtimes(), collector));
    ctx.hooks.diagnose.tap(ctx.name, (report) => diagnoseChannels(service.runtimes(), running, report));
    ctx.hooks.audit.tap(ctx.name, (report) => auditChannels(ctx.config, report));
    // Approved senders are state a restore must bring back (pending codes expire anyway).
    // Inbound media the transcripts refer to belongs with them in a backup.
    ctx.hooks.backupSources.tap(ctx.name, (sources) => [...sources, { name: 'pairing', path: pairingDir(ctx.paths.stateDir), plugin: ctx.name }, { name: 'media', path: join(ctx.paths.stateDir, MEDIA_DIR), plugin: ctx.name }]);
    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => {
      registerPairingCommand(program, cli, ctx.config, ctx.paths.stateDir);
      registerChannelsCommand(program, cli, ctx.config, ctx.paths.stateDir);
    });
  },
});
