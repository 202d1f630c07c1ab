/**
 * `moltbot/plugin-sdk/config`: reading the config files the way the kernel does, for plugins
 * that inspect or write them (onboarding, doctor, audit).
 */
export { SEED_FILE_NAME, loadConfig } from '../../core/config/load-config.ts';
export { ENV_OVERRIDE_RULES } from '../../core/config/env-overrides.ts';
export { validateRootConfig } from '../../core/validate/precompiled.ts';
export type { CronDelivery, MoltbotConfig } from '../../schemas/generated/config-types.ts';
/** The root config schema (JSON Schema draft-07), for plugins that walk or mask the whole config. */
export { ROOT_CONFIG_SCHEMA } from './root-schema.ts';
