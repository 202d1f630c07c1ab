/**
 * Finds and reads the config: the project file (cosmiconfig, in `cwd` only), the seed-compatible
 * `<stateDir>/clawdbot.json` under it, `${VAR}` substitution per file, env overrides on top.
 * Validation happens later, in the kernel.
 *
 * Two cosmiconfig 10 behaviours shape this file:
 * - Its own .ts/.js loader imports the plain file URL, and Node caches ES modules by URL, so an
 *   edited config came back unchanged. Our module loader adds the content's hash to the URL: an
 *   edit gives a new URL (a really re-read module), an unchanged file reuses the cached module.
 *   Every edit leaves one module instance in memory; config edits are rare enough for that.
 *   Modules the config itself imports (`./shared.ts`) are still cached by Node under their plain
 *   URL: editing those needs a restart.
 * - `cosmiconfig()` reads a "cosmiconfig" meta-config (package.json key or .config/config.json)
 *   in `process.cwd()` that can add search places, and a config may pull in other files with a
 *   `$import` key. Both are cosmiconfig features we do not use but cannot switch off.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { cosmiconfig, type Loader } from 'cosmiconfig';
import { isMoltbotError, MoltbotError } from '../errors.ts';
import type { ConfigEnv } from './define-config.ts';
import { applyEnvOverrides, type EnvOverride } from './env-overrides.ts';
import { assertNoPrototypeKeys, mergeConfig, type ConfigObject } from './merge.ts';
import { expandHome, resolveStateDir } from './state-dir.ts';
import { substituteEnvVars } from './substitute.ts';
import { importConfigModule } from './import-module.ts';
import { loadYaml, parseJson } from './parse-data.ts';

export { parseJson } from './parse-data.ts';

export interface LoadConfigOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  homeDir: string;
  /** Explicit path (CLI --config, or env MOLTBOT_CONFIG when absent); skips the search. */
  configFile?: string;
  /** Passed to function configs; default 'production'. */
  mode?: string;
  /**
   * Collect unset `${VAR}` references instead of failing (the key holding one is left out):
   * commands that only inspect report them as findings; starting still refuses.
   */
  onMissingEnv?: (problem: MoltbotError) => void;
}

export interface LoadedConfig {
  /** Merged, substituted, env-overridden; NOT validated, NOT frozen. */
  config: Record<string, unknown>;
  /** Project config file found (absolute), if any. */
  file?: string;
  /** `<stateDir>/clawdbot.json`, if it exists. */
  seedFile?: string;
  stateDir: string;
  envOverrides: EnvOverride[];
}

export const MODULE_NAME = 'moltbot';
export const SEED_FILE_NAME = 'clawdbot.json';

/**
 * Looked for in `cwd` only, first match wins (this order); an empty file counts as found (an
 * empty config). package.json is read only for its "moltbot" key; `.moltbotrc` holds JSON or
 * YAML; `.moltbotrc.yaml|.yml` and `moltbot.config.yaml|.yml` are YAML (the README promises
 * `.moltbotrc*`, and a YAML file that is silently skipped is worse than one more name). No .cjs.
 * `moltbot config validate` prints the file it used.
 */
export const SEARCH_PLACES: readonly string[] = [
  'package.json',
  `.${MODULE_NAME}rc`,
  `.${MODULE_NAME}rc.json`,
  `.${MODULE_NAME}rc.yaml`,
  `.${MODULE_NAME}rc.yml`,
  `.${MODULE_NAME}rc.js`,
  `.${MODULE_NAME}rc.mjs`,
  `.${MODULE_NAME}rc.ts`,
  `.${MODULE_NAME}rc.mts`,
  `${MODULE_NAME}.config.ts`,
  `${MODULE_NAME}.config.mts`,
  `${MODULE_NAME}.config.js`,
  `${MODULE_NAME}.config.mjs`,
  `${MODULE_NAME}.config.json`,
  `${MODULE_NAME}.config.yaml`,
  `${MODULE_NAME}.config.yml`,
];

export async function loadConfig(opts: LoadConfigOptions): Promise<LoadedConfig> {
  const cwd = path.resolve(opts.cwd);
  const stateDir = resolveStateDir(opts.env, opts.homeDir);
  const configEnv: ConfigEnv = { env: opts.env, cwd, mode: opts.mode ?? 'production' };

  const seedFile = path.join(stateDir, SEED_FILE_NAME);
  const seed = await readSeed(seedFile);
  const project = await readProjectConfig(opts, cwd, configEnv);

  const layers: { config: ConfigObject; file: string }[] = [];
  if (seed) layers.push({ config: seed.config, file: seedFile });
  if (project) layers.push(project);
  // Seed first so the project file wins; each layer is checked and substituted on its own so an
  // error names the file it is in.
  let merged: ConfigObject = {};
  for (const layer of layers) {
    assertNoPrototypeKeys(layer.config, layer.file);
    merged = mergeConfig(merged, substituteEnvVars(layer.config, opts.env, layer.file, opts.onMissingEnv).value);
  }
  const { config, applied } = applyEnvOverrides(merged, opts.env);

  return {
    config,
    ...(project ? { file: project.file } : {}),
    ...(seed ? { seedFile } : {}),
    stateDir,
    envOverrides: applied,
  };
}

async function readSeed(file: string): Promise<{ config: ConfigObject } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw readError(file, error);
  }
  return { config: toConfigObject(text.trim() === '' ? undefined : parseJson(text, file), file) };
}

async function readProjectConfig(
  opts: LoadConfigOptions, cwd: string, configEnv: ConfigEnv,
): Promise<{ config: ConfigObject; file: string } | undefined> {
  const explorer = cosmiconfig(MODULE_NAME, {
    searchPlaces: [...SEARCH_PLACES],
    searchStrategy: 'none',
    ignoreEmptySearchPlaces: false,
    cache: false,
    loaders: createLoaders(configEnv),
  });
  const explicit = opts.configFile ?? nonEmpty(opts.env.MOLTBOT_CONFIG);
  const file = explicit === undefined ? undefined : path.resolve(cwd, expandHome(explicit, opts.homeDir));
  let result: Awaited<ReturnType<typeof explorer.search>>;
  try {
    result = file === undefined ? await explorer.search(cwd) : await explorer.load(file);
  } catch (error) {
    if (isMoltbotError(error)) throw error;
    const failed = (error as { filepath?: string }).filepath ?? file ?? cwd;
    throw readError(failed, error);
  }
  if (result === null) {
    if (file === undefined) return undefined;
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: `${file} contains no Moltbot config`,
      file,
      fix: `Put the config object in ${path.basename(file)}${path.basename(file) === 'package.json' ? ' under the "moltbot" key' : ''}.`,
    });
  }
  return { config: toConfigObject(result.isEmpty ? undefined : result.config, result.filepath), file: result.filepath };
}

function createLoaders(configEnv: ConfigEnv): Record<string, Loader> {
  const loadModule: Loader = (filepath, content) => importConfigModule(filepath, content, configEnv);
  return {
    '.ts': loadModule, '.mts': loadModule, '.cts': loadModule,
    '.js': loadModule, '.mjs': loadModule, '.cjs': loadModule,
    '.json': (filepath, content) => parseJson(content, filepath),
    '.yaml': loadYaml, '.yml': loadYaml, noExt: loadYaml,
  };
}

function toConfigObject(value: unknown, file: string): ConfigObject {
  if (value === undefined) return {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as ConfigObject;
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
    message: `${file}: the config must be an object, got ${got}`,
    file,
    fix: 'Make the file (or the default export) an object such as { "gateway": { "port": 18789 } }.',
  });
}

function readError(file: string, error: unknown): MoltbotError {
  const code = (error as NodeJS.ErrnoException).code;
  const problem = code === 'ENOENT' ? 'does not exist'
    : code === 'EISDIR' ? 'is a directory'
    : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)'
    : `could not be read${code ? ` (${code})` : ''}`;
  return new MoltbotError('MOLT_ERR_CONFIG_LOAD', {
    message: `Config file ${file} ${problem}`,
    file,
    ...(code === 'ENOENT' ? { fix: 'Check the path given with --config or MOLTBOT_CONFIG.' } : {}),
    cause: error,
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
