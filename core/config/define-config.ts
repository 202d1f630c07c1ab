/**
 * `defineConfig` only gives a config file its types; the loader accepts the same three shapes
 * without it. A function config receives the environment explicitly so it can be tested without
 * touching `process.env`.
 */

// Until schemas/generated/config-types.ts exists this is the loosest type a config can have;
// replace it with `MoltbotConfig` from there (this alias is the only place to change).
export type UserConfig = Record<string, unknown> & { plugins?: unknown[] };

export interface ConfigEnv {
  env: Record<string, string | undefined>;
  /** Directory the config was searched in (the gateway's working directory). */
  cwd: string;
  /** `'production'` unless the caller says otherwise (tests, `--mode`). */
  mode: string;
}

export type ConfigFunction<T extends UserConfig = UserConfig> = (env: ConfigEnv) => T | Promise<T>;

/** What a config module may export as its default. */
export type ConfigExport<T extends UserConfig = UserConfig> = T | Promise<T> | ConfigFunction<T>;

// The function overload comes first so `({ env }) => …` gets ConfigEnv as its contextual type.
export function defineConfig<T extends UserConfig>(config: ConfigFunction<T>): ConfigFunction<T>;
export function defineConfig<T extends UserConfig>(config: Promise<T>): Promise<T>;
export function defineConfig<T extends UserConfig>(config: T): T;
export function defineConfig(config: ConfigExport): ConfigExport {
  return config;
}
