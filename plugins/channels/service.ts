/**
 * The `channels` service: registers adapters (from channel plugins' setup), runs one
 * ChannelRuntime per adapter from kernel start to close, and is what consumers (cron, control
 * UI, an embedding program) send through.
 */
import { MoltbotError } from '../../sdk/core/index.ts';
import type { OwnershipHold, OwnershipService } from '../../sdk/cluster/index.ts';
import { CHANNEL_ID, type ChannelAdapter, type ChannelRelay, type ChannelsService, type ChannelStatus, type ChannelTarget, PairingError, type SendOptions, type PairingRequest, resolveChannelSettings } from '../../sdk/channels/index.ts';
import { channelErrors } from './errors.ts';
import { ChannelRuntime, type RuntimeDeps } from './runtime.ts';
import { prepareMedia } from './media-input.ts';
import { pairingApprovedText } from './texts.ts';

/** What every runtime shares, plus the config its settings come from. */
export interface ServiceDeps extends Omit<RuntimeDeps, 'adapter' | 'settings'> {
  config: () => Readonly<Record<string, any>>;
  /** Who runs which channel (one process: this one runs all). Resolved at start. */
  ownership: () => OwnershipService;
  relay: () => ChannelRelay | undefined;
  /** Channels every instance runs (not held through ownership). */
  perInstance: readonly string[];
}

export interface ChannelsServiceImpl extends ChannelsService {
  runtimes(): ChannelRuntime[];
  startAll(): Promise<void>;
  stopAll(): Promise<void>;
}

function assertAdapter(adapter: ChannelAdapter, existing: ReadonlyMap<string, unknown>): void {
  const fail = (problem: string) => {
    throw new MoltbotError(channelErrors.MOLT_ERR_CHANNEL_INVALID, { message: `channels.register(): ${problem}` });
  };
  if (typeof adapter !== 'object' || adapter === null) return fail('expected a ChannelAdapter object');
  if (typeof adapter.id !== 'string' || !CHANNEL_ID.test(adapter.id)) return fail(`adapter id ${JSON.stringify(adapter.id)} must match [a-z0-9][a-z0-9_-]{0,63}`);
  if (existing.has(adapter.id)) return fail(`channel "${adapter.id}" is registered twice`);
  if (!Number.isInteger(adapter.maxMessageLength) || adapter.maxMessageLength < 2) return fail(`channel "${adapter.id}": maxMessageLength must be an integer >= 2`);
  for (const method of ['start', 'stop', 'send'] as const) {
    if (typeof adapter[method] !== 'function') return fail(`channel "${adapter.id}": ${method}() is missing`);
  }
}

export function createChannelsService(deps: ServiceDeps): ChannelsServiceImpl {
  const runtimes = new Map<string, ChannelRuntime>();
  const adapters = new Map<string, ChannelAdapter>();
  const holds = new Map<string, OwnershipHold>();
  let started = false;
  let stopped = false;
  const { config, ownership, relay, perInstance, ...shared } = deps;
  const newRuntime = (adapter: ChannelAdapter) => new ChannelRuntime({ ...shared, adapter, settings: resolveChannelSettings(config(), adapter.id) });
  /** Held channels run only while this instance owns `channel:<id>`; a lost one gets a fresh, idle runtime. */
  const exclusive = (id: string) => !perInstance.includes(id) && runtimes.get(id)!.settings.enabled;

  /** The relay when another instance owns the channel (sends go through it), else undefined. */
  const relayFor = (id: string): ChannelRelay | undefined => {
    const hold = holds.get(id);
    return hold !== undefined && !hold.owned() ? relay() : undefined;
  };

  const run = async (id: string): Promise<void> => {
    if (!exclusive(id)) return runtimes.get(id)!.start();
    let stopServing: (() => Promise<void>) | undefined;
    holds.set(id, await ownership().hold(`channel:${id}`, {
      onAcquire: async () => {
        const runtime = runtimes.get(id)!;
        await runtime.start();
        stopServing = relay()?.serve(id, (message) => runtime.send(message.target, message.text, message.sessionKey));
      },
      onLose: async () => {
        await stopServing?.();
        stopServing = undefined;
        const runtime = runtimes.get(id)!;
        if (!stopped) runtimes.set(id, newRuntime(adapters.get(id)!));
        await runtime.stop();
      },
    }));
  };

  const runtimeFor = (channel: string): ChannelRuntime => {
    const runtime = runtimes.get(channel);
    if (!runtime) {
      throw new MoltbotError(channelErrors.MOLT_ERR_CHANNEL_NOT_FOUND, {
        message: `No channel "${channel}" is registered${runtimes.size > 0 ? ` (registered: ${[...runtimes.keys()].join(', ')})` : ''}`,
      });
    }
    return runtime;
  };

  const pairingCall = async <T>(channel: string, work: () => Promise<T>): Promise<T> => {
    await deps.store.load(channel);
    try {
      return await work();
    } catch (error) {
      if (error instanceof PairingError) throw new MoltbotError(channelErrors.MOLT_ERR_PAIRING_NOT_FOUND, { message: error.message });
      throw error;
    }
  };

  const service: ChannelsServiceImpl = {
    register(adapter) {
      if (stopped) throw new MoltbotError('MOLT_ERR_KERNEL_PHASE', { message: `channels.register("${adapter?.id}") after the channels closed` });
      assertAdapter(adapter, runtimes);
      adapters.set(adapter.id, adapter);
      runtimes.set(adapter.id, newRuntime(adapter));
      if (started) void run(adapter.id).catch((error: unknown) => deps.log.error({ err: error, channel: adapter.id }, 'channel start failed'));
    },
    async send(channel: string, target: ChannelTarget, text: string, options: SendOptions = {}) {
      const runtime = runtimeFor(channel);
      if (!runtime.settings.enabled) {
        throw new MoltbotError(channelErrors.MOLT_ERR_CHANNEL_NOT_FOUND, { message: `Channel "${channel}" is disabled (channels.${channel}.enabled is false)` });
      }
      const forwarder = relayFor(channel);
      // Another instance runs this channel: it sends (see cluster-redis README, "Channels").
      const attachments = options.attachments ?? [];
      if (forwarder !== undefined) {
        if (attachments.length > 0) {
          throw new MoltbotError(channelErrors.MOLT_ERR_CHANNEL_MEDIA_REFUSED, { message: `channel "${channel}" runs on another gateway instance; files are not relayed between instances (send from the instance that owns it)` });
        }
        return forwarder.forward(channel, { target, text, ...(options.sessionKey ? { sessionKey: options.sessionKey } : {}) });
      }
      await runtime.send(target, text, options.sessionKey, attachments);
    },
    maxMediaBytes(channel: string) {
      return runtimes.get(channel)?.maxMediaBytes;
    },
    prepareMedia(attachments, options) {
      const signal = options.signal === undefined ? deps.signal : AbortSignal.any([deps.signal, options.signal]);
      return prepareMedia(attachments, { settings: deps.media, stateDir: deps.stateDir, sessionKey: options.sessionKey, signal, log: deps.log });
    },
    status(): ChannelStatus[] {
      return [...runtimes.values()].map((runtime) => runtime.status());
    },
    isOwnerChat(channel, target) {
      const runtime = runtimes.get(channel);
      if (runtime === undefined || target.chatType !== 'dm') return false;
      const chat = runtime.normalize(target.chatId);
      return runtime.settings.owners.some((owner) => runtime.normalize(owner) === chat);
    },
    pairing: {
      list(channel?: string): PairingRequest[] {
        return deps.store.list(channel);
      },
      approve: (channel, code) => pairingCall(channel, async () => {
        const request = await deps.store.approve(channel, code);
        deps.log.info({ channel, sender: request.sender }, 'pairing approved');
        const forwarder = relayFor(channel);
        if (forwarder === undefined) runtimes.get(channel)?.notifyApproved(request);
        else await forwarder.forward(channel, { target: { chatType: 'dm', chatId: request.chatId ?? request.sender }, text: pairingApprovedText() });
        return { sender: request.sender };
      }),
      reject: (channel, code) => pairingCall(channel, async () => {
        const request = await deps.store.reject(channel, code);
        deps.log.info({ channel, sender: request.sender }, 'pairing rejected');
      }),
      approved(channel: string): string[] {
        return deps.store.approvedSenders(channel).map((entry) => entry.sender);
      },
      revoke: (channel, sender) => pairingCall(channel, async () => {
        const id = runtimes.get(channel)?.normalize(sender) ?? sender;
        const revoked = await deps.store.revoke(channel, id);
        if (revoked) deps.log.info({ channel, sender: id }, 'pairing approval revoked');
        return revoked;
      }),
    },
    runtimes: () => [...runtimes.values()],
    async startAll() {
      started = true;
      await Promise.all([...runtimes.keys()].map(run));
    },
    async stopAll() {
      stopped = true;
      await Promise.allSettled([...holds.values()].map((hold) => hold.release()));
      await Promise.allSettled([...runtimes.values()].map((runtime) => runtime.stop()));
      await deps.store.flush();
    },
  };
  return service;
}
