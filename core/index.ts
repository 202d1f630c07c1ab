/** The public surface of `moltbot`: createKernel, definePlugin, defineConfig and their types. */
import { FIRST_PARTY, IMPLIED_PLUGINS } from '../plugins/catalogue.ts';
import { createKernel as createBareKernel, type Kernel, type KernelOptions } from './kernel.ts';

/**
 * A kernel that knows Moltbot's first-party plugins by name (pass `catalogue` to replace them)
 * and loads the channel plugin of each `channels.<id>` section (pass `impliedPlugins`).
 */
export function createKernel(options: KernelOptions = {}): Kernel {
  return createBareKernel({ catalogue: FIRST_PARTY, ...(options.catalogue ? {} : { impliedPlugins: IMPLIED_PLUGINS }), ...options });
}

export { DEFAULT_TIMEOUTS } from './kernel.ts';
export type { Kernel, KernelOptions, KernelTimeouts, PluginInfo, PluginStatus } from './kernel.ts';
export type { ImpliedPlugin } from './kernel-types.ts';
export { definePlugin } from './plugin.ts';
export type { AnyPlugin, CloseOptions, PluginContext, PluginDefinition, PluginPaths, Services } from './plugin.ts';
export { defineConfig } from './config/define-config.ts';
export { writeFileAtomic, writeJsonAtomic } from './atomic-file.ts';
export { AppendFile } from './append-file.ts';
export type { AppendFileOptions } from './append-file.ts';
export type { AtomicWriteOptions } from './atomic-file.ts';
export { ERROR_CATALOGUE, EXIT_CONFIG, MoltbotError, isMoltbotError } from './errors.ts';
export type { ErrorCode, ErrorDetails } from './errors.ts';
export { HOOK_DOCS, describeHooks } from './hooks.ts';
export type { HookDoc, HookName, KernelHooks } from './hooks.ts';
export type * from './hook-types.ts';
export type { Phase } from './lifecycle.ts';
export type { Logger, LogLevel } from './log.ts';
export type { PluginCatalogue, PluginEntry, PluginReference } from './resolve-plugin.ts';
export { KERNEL_VERSION } from './version.ts';
// The channel contract, for channel plugins published as packages (templates/channel).
export { ChannelSendError } from '../plugins/channels/contract.ts';
export type { Backoff, ChannelAdapter, ChannelHost, ChannelInbound, ChannelSettings, ChannelState, ChannelStatus, ChannelTarget, ChannelsService, ChatType, ReceiveOutcome } from '../plugins/channels/contract.ts';
