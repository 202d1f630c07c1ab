/**
 * `moltbot/plugin-sdk/config`: reading the config files the way the kernel does, for plugins
 * that inspect or write them (onboarding, doctor, audit).
 */
export { SEED_FILE_NAME, loadConfig } from '../../core/config/load-config.ts';
export { ENV_OVERRIDE_RULES } from '../../core/config/env-overrides.ts';
export { validateRootConfig } from '../../core/validate/precompiled.ts';
