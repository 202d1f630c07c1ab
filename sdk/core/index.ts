/**
 * `moltbot/plugin-sdk/core`: the kernel surface every plugin builds on — the plugin contract,
 * hook payload types, errors, logging, crash-safe files, schema compile and redaction. It is a
 * subset of `moltbot` without the first-party catalogue, so importing it loads no plugin.
 */
export { definePlugin } from '../../core/plugin.ts';
export type { AnyPlugin, CloseOptions, PluginCheckInput, PluginContext, PluginDefinition, PluginPaths, Services } from '../../core/plugin.ts';
export type * from '../../core/hook-types.ts';
export type { HookDoc, HookName, KernelHooks } from '../../core/hooks.ts';
export { ERROR_CATALOGUE, EXIT_CONFIG, MoltbotError, defineErrors, errorCatalogue, errorSpec, isMoltbotError } from '../../core/errors.ts';
export type { DefinedErrorCode, ErrorCode, ErrorDetails, ErrorEntry, KernelErrorCode, ErrorSpec } from '../../core/errors.ts';
export type { Logger, LogLevel } from '../../core/log.ts';
export { KERNEL_VERSION, PACKAGE } from '../../core/version.ts';
export { writeFileAtomic, writeJsonAtomic } from '../../core/atomic-file.ts';
export type { AtomicWriteOptions } from '../../core/atomic-file.ts';
export { AppendFile } from '../../core/append-file.ts';
export type { AppendFileOptions } from '../../core/append-file.ts';
export { lineEndSync, writeAll, writeAllSync } from '../../core/write-all.ts';
export type { WriteSync } from '../../core/write-all.ts';
export { storageError } from '../../core/storage-error.ts';
export { REDACTED, createRedactor } from '../../core/redact.ts';
export type { Redactor, RedactorOptions } from '../../core/redact.ts';
export { createAjv, checkPluginOptions, checkPluginSections, compileOnFirstUse, compileSchema, collectSecretValues, containsSecretKey, looksSecretKey, maskSecrets, schemaHasSecrets, secretPaths, validateWith } from '../../core/validate/index.ts';
export type { ConfigSecrets, ValidationIssue, ValidationResult, Validator } from '../../core/validate/index.ts';
export { expandHome } from '../../core/config/state-dir.ts';
export { isTimeZone, machineTimeZone } from './time-zone.ts';
export type { ImpliedPlugin, PluginInfo } from '../../core/kernel-types.ts';
export type { PluginCatalogue, PluginEntry, PluginReference } from '../../core/resolve-plugin.ts';
export { createHooksRef, createServiceRef, optionalService } from '../../core/refs.ts';
export type { HooksRef, OptionalServiceUse, ServiceRef, ServiceUse } from '../../core/refs.ts';
