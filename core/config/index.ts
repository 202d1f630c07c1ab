/** Config loading for the kernel and the CLI; `defineConfig` is also part of the public package surface. */
export { defineConfig } from './define-config.ts';
export type { ConfigEnv, ConfigExport, ConfigFunction, UserConfig } from './define-config.ts';
export { ENV_OVERRIDE_RULES, applyEnvOverrides } from './env-overrides.ts';
export type { EnvOverride } from './env-overrides.ts';
export { MODULE_NAME, SEARCH_PLACES, SEED_FILE_NAME, loadConfig, parseJson } from './load-config.ts';
export type { LoadConfigOptions, LoadedConfig } from './load-config.ts';
export { assertNoPrototypeKeys, cloneData, deepFreeze, isDataObject, joinPath, mergeConfig } from './merge.ts';
export type { ConfigObject } from './merge.ts';
export { DEFAULT_STATE_DIR_NAME, expandHome, resolveStateDir } from './state-dir.ts';
export { substituteEnvVars } from './substitute.ts';
export type { SubstituteResult } from './substitute.ts';
