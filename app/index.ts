/** The public surface of `moltbot`: createKernel, definePlugin, defineConfig and their types. */
import { EMBEDDED_SECTIONS, FIRST_PARTY, IMPLIED_PLUGINS } from './catalogue.ts';
import { createKernel as createBareKernel, type Kernel, type KernelOptions } from '../core/kernel.ts';

/**
 * A kernel that knows Moltbot's first-party plugins by name (pass `catalogue` to replace them)
 * and loads the plugins config sections need: `channel-<id>` for each `channels.<id>` section
 * (pass `impliedPlugins`), `log-file` for `logging.transports` and the other sections whose
 * plugin is outside the preset (pass `sections`).
 */
export function createKernel(options: KernelOptions = {}): Kernel {
  return createBareKernel({ catalogue: FIRST_PARTY, ...(options.catalogue ? {} : { impliedPlugins: IMPLIED_PLUGINS, sections: EMBEDDED_SECTIONS }), ...options });
}

export { DEFAULT_TIMEOUTS } from '../core/kernel.ts';
export type { Kernel, KernelOptions, KernelTimeouts, PluginInfo, PluginStatus } from '../core/kernel.ts';
export type { ConfigSection, ImpliedPlugin } from '../core/kernel-types.ts';
export { definePlugin } from '../core/plugin.ts';
export type { AnyPlugin, CloseOptions, PluginCheckInput, PluginContext, PluginDefinition, PluginPaths, Services } from '../core/plugin.ts';
export { defineConfig } from '../core/config/define-config.ts';
export { writeFileAtomic, writeJsonAtomic } from '../core/atomic-file.ts';
export { AppendFile } from '../core/append-file.ts';
export type { AppendFileOptions } from '../core/append-file.ts';
export type { AtomicWriteOptions } from '../core/atomic-file.ts';
export { ERROR_CATALOGUE, EXIT_CONFIG, MoltbotError, defineErrors, errorCatalogue, isMoltbotError } from '../core/errors.ts';
export type { DefinedErrorCode, ErrorCode, ErrorDetails, ErrorEntry, ErrorSpec, KernelErrorCode } from '../core/errors.ts';
export { HOOK_DOCS, describeHooks } from '../core/hooks.ts';
export type { HookDoc, HookName, KernelHooks } from '../core/hooks.ts';
export type * from '../core/hook-types.ts';
export type { Phase } from '../core/lifecycle.ts';
export type { Logger, LogLevel } from '../core/log.ts';
export type { PluginCatalogue, PluginEntry, PluginReference } from '../core/resolve-plugin.ts';
export { KERNEL_VERSION } from '../core/version.ts';
// The channel contract, for channel plugins published as packages (templates/channel).
export { ChannelSendError, channelsServiceRef } from '../sdk/channels/index.ts';
export type { Backoff, ChannelAdapter, ChannelHost, ChannelInbound, ChannelSettings, ChannelState, ChannelStatus, ChannelTarget, ChannelsService, ChatType, ReceiveOutcome } from '../sdk/channels/index.ts';
export { createHooksRef, createServiceRef, optionalService } from '../core/refs.ts';
export type { HooksRef, OptionalServiceUse, ServiceRef, ServiceUse } from '../core/refs.ts';
