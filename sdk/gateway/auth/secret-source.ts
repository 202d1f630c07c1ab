/**
 * The gateway secrets as they are NOW, for every handshake: so a rotated password works at
 * once and the old one stops working, without a restart (GHSA-m8wm-r5vq-qjpg: a secret
 * resolved once at start-up stayed valid after rotation).
 *
 * Cheap per call: the environment variables are read directly; the config files are only
 * stat'ed, and the kernel's config loader runs again only when a file's mtime or size (or the
 * environment, which `${VAR}` references read) changed. A re-read that fails (a half-saved edit, a missing ${VAR})
 * keeps the last good secrets and logs a warning once per change.
 */
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ENV_OVERRIDE_RULES } from '../../config/index.ts';
import { SEED_FILE_NAME, loadConfig } from '../../config/index.ts';
import type { Logger } from '../../core/index.ts';
import type { KernelHooks } from '../../core/index.ts';
import type { PluginContext } from '../../core/index.ts';
import type { AuthMode } from '../service.ts';

export interface GatewaySecrets {
  mode: AuthMode;
  password?: string;
  token?: string;
}

/** The mode's own secret is configured: the password in password mode, the token in token mode. */
export function hasConfiguredSecret(secrets: GatewaySecrets): boolean {
  return secrets.mode === 'password' ? secrets.password !== undefined : secrets.token !== undefined;
}

export interface SecretSource {
  current(): Promise<GatewaySecrets>;
}

interface AuthConfig {
  mode?: AuthMode;
  password?: string;
  token?: string;
}

const SECRET_VARIABLES = ENV_OVERRIDE_RULES
  .filter((rule) => rule.path[0] === 'gateway' && rule.path[1] === 'auth')
  .map((rule) => ({ key: rule.path[2] as 'password' | 'token', variables: rule.variables }));

export interface SecretSourceOptions {
  /** The config the kernel runs with (read at each call: it is final only after setup). */
  initial: () => Readonly<Record<string, any>>;
  /** Project config file, when the kernel loaded one. */
  configFile?: string;
  stateDir: string;
  cwd: string;
  log: Logger;
  env?: () => Record<string, string | undefined>;
}

export function createSecretSource(options: SecretSourceOptions): SecretSource {
  const env = options.env ?? (() => process.env);
  const seedFile = join(options.stateDir, SEED_FILE_NAME);
  const files = options.configFile ? [options.configFile, seedFile] : [seedFile];
  let stamp: string | undefined;
  let fromFiles: AuthConfig | undefined;
  let loading: Promise<void> | undefined;
  /** Variables the files reference as ${VAR}, found at the last re-read. */
  let referenced: readonly string[] = [];

  const reload = async (vars: Record<string, string | undefined>) => {
    // Stamped before reading: an edit landing during the load changes the stamp again.
    referenced = referencedVariables(files);
    stamp = stampOf(files.map(fileStamp), referenced, vars);
    try {
      const loaded = await loadConfig({
        cwd: options.cwd,
        env: { ...vars, MOLTBOT_STATE_DIR: options.stateDir },
        homeDir: homedir(),
        ...(options.configFile ? { configFile: options.configFile } : {}),
      });
      fromFiles = authOf(loaded.config);
    } catch (error) {
      // Never the error text itself: a config error may quote the line holding the secret.
      options.log.warn({ code: (error as { code?: unknown }).code, files }, 'gateway secrets: config re-read failed, keeping the previous secrets');
    }
  };

  return {
    async current() {
      const vars = env();
      // Each file stat'ed once per call: the seed file's stamp decides and is part of the stamp.
      const stamps = files.map(fileStamp);
      const fileBased = options.configFile !== undefined || stamps[stamps.length - 1] !== 'absent';
      if (!fileBased) return withEnv(authOf(options.initial()), vars);
      if (stampOf(stamps, referenced, vars) !== stamp) {
        loading ??= reload(vars).finally(() => { loading = undefined; });
        await loading;
      }
      return withEnv(fromFiles ?? authOf(options.initial()), vars);
    },
  };
}

/** What a re-read depends on: each file's identity and the variables that feed it. */
function stampOf(fileStamps: readonly string[], referenced: readonly string[], vars: Record<string, string | undefined>): string {
  let stamp = fileStamps.join('|');
  for (const name of referenced) stamp += `\u0000${name}=${vars[name] ?? ''}`;
  for (const { variables } of SECRET_VARIABLES) for (const name of variables) stamp += `\u0000${vars[name] ?? ''}`;
  return stamp;
}

function referencedVariables(files: readonly string[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    // A JS/TS config may read process.env itself; only ${VAR} references are visible here.
    for (const match of text.matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)) names.add(match[1] as string);
  }
  return [...names].sort();
}

function authOf(config: Readonly<Record<string, any>>): AuthConfig {
  const auth = (config.gateway?.auth ?? {}) as AuthConfig;
  return { ...(auth.mode ? { mode: auth.mode } : {}), ...nonEmpty('password', auth.password), ...nonEmpty('token', auth.token) };
}

/** Env variables win over the files (the loader's rule, applied again with today's values). */
function withEnv(base: AuthConfig, vars: Record<string, string | undefined>): GatewaySecrets {
  const secrets: GatewaySecrets = { mode: base.mode ?? 'password', ...nonEmpty('password', base.password), ...nonEmpty('token', base.token) };
  for (const { key, variables } of SECRET_VARIABLES) {
    const variable = variables.find((name) => vars[name] !== undefined && vars[name] !== '');
    if (variable !== undefined) secrets[key] = vars[variable];
  }
  return secrets;
}

function nonEmpty<K extends 'password' | 'token'>(key: K, value: unknown): { [P in K]?: string } {
  return typeof value === 'string' && value !== '' ? ({ [key]: value } as { [P in K]?: string }) : {};
}

function fileStamp(file: string): string {
  const info = statSync(file, { throwIfNoEntry: false });
  return info === undefined ? 'absent' : `${info.mtimeMs}:${info.size}:${info.ino}`;
}

const sources = new WeakMap<KernelHooks, SecretSource>();

/** One source per kernel, shared by the auth plugins (one stat per file per handshake). */
export function secretSourceFor(ctx: Pick<PluginContext, 'hooks' | 'config' | 'paths' | 'log'>): SecretSource {
  let source = sources.get(ctx.hooks);
  if (source === undefined) {
    source = createSecretSource({
      initial: () => ctx.config,
      ...(ctx.paths.configFile ? { configFile: ctx.paths.configFile } : {}),
      stateDir: ctx.paths.stateDir,
      cwd: ctx.paths.cwd,
      log: ctx.log,
    });
    sources.set(ctx.hooks, source);
  }
  return source;
}
