/** The kernel's public types: options, timeouts, plugin listing and the Kernel interface. */
import type { KernelHooks } from './hooks.ts';
import type { Phase } from './lifecycle.ts';
import type { Logger, LogLevel } from './log.ts';
import type { PluginPaths, ServiceName, ServiceType } from './plugin.ts';
import type { PluginOrigin } from './registry.ts';
import type { PluginCatalogue, PluginEntry } from './resolve-plugin.ts';
import type { ConfigSecrets } from './validate/config-secrets.ts';
import type { ServiceRef } from './refs.ts';

export interface KernelTimeouts {
  /** Per plugin `setup()`. */
  setup: number;
  /** Per plugin tap of the `start` hook. */
  start: number;
  beforeClose: number;
  /** Waiting for work passed to `ctx.track()` once close began. */
  drain: number;
  /** Per `onClose` handler and per `close` tap. */
  closeEntry: number;
}

export const DEFAULT_TIMEOUTS: Readonly<KernelTimeouts> = Object.freeze({
  setup: 10_000, start: 30_000, beforeClose: 10_000, drain: 10_000, closeEntry: 5_000,
});

/** A plugin the config implies: resolved like a `plugins` entry; its options come from `optionsPath`. */
export interface ImpliedPlugin {
  entry: PluginEntry;
  /** The config path that implies it (e.g. `channels.telegram`): errors name it. */
  optionsPath: string;
}

/**
 * A config path a plugin reads (KernelOptions `sections`): present, it needs that plugin. The
 * first-party list lives in the app catalogue, so no plugin module is imported to know it.
 */
export interface ConfigSection {
  /** Dotted path: a root key (`cron`) or a key under one (`gateway.tailscale`, `logging.transports`). */
  path: string;
  /** Plugins it is for (the first is the one a present path loads); any of them loaded serves it. */
  plugins: readonly string[];
  /**
   * Plugins that also read it without being its purpose (the audit inspects `gateway`, resources
   * reads `tools.exec.maxProcesses`): loaded, they make the path no error under
   * `preset: "none"`, and, in a kernel without a preset, stop it loading its plugin. With a
   * preset they do not: `tools.exec` still loads tools-exec though the preset's audit reads it.
   */
  readers?: readonly string[];
  /**
   * true (default): a present path loads `plugins[0]` when none is loaded. false: several
   * plugins could serve it (the `redis` connection), so none loaded is an error naming them.
   */
  implies?: boolean;
  /** Whether this value needs the plugin at all (tailscale mode "off" does not); default: present. */
  needed?: (value: unknown) => boolean;
}

export interface KernelOptions {
  /** A config object (embedding, tests). When absent, config is discovered from `cwd`. */
  config?: Record<string, unknown>;
  /** Explicit config file; skips discovery. */
  configFile?: string;
  cwd?: string;
  env?: Record<string, string | undefined>;
  homeDir?: string;
  /** Plugins added after those in `config.plugins`. */
  plugins?: PluginEntry[];
  /**
   * Plugin names loaded before the config's own (the CLI passes the embedded preset). A config
   * entry naming the same plugin replaces the preset's; `preset: "none"` in config drops them.
   */
  preset?: readonly string[];
  /** First-party plugins by name (the CLI and the package entry pass Moltbot's own). */
  catalogue?: PluginCatalogue;
  /**
   * Plugins the validated config implies beyond `plugins` (the CLI and the package entry pass
   * Moltbot's rule: a `channels.<id>` section loads `channel-<id>`). Gets the names of the
   * plugins declared in `plugins` and by register(); an implied plugin replaces the preset's
   * entry of the same name; `preset: "none"` in config turns it off. Throw a MoltbotError for a
   * section nothing can serve.
   */
  impliedPlugins?: (config: Readonly<Record<string, any>>, declared: ReadonlySet<string>) => readonly ImpliedPlugin[];
  /**
   * Config paths and the plugins that read them (the CLI and the package entry pass Moltbot's
   * own): a present path whose plugins are all missing loads the first one, or, under
   * `preset: "none"` or when it `implies` nothing, is a config error naming the path and the
   * plugin to add (see ConfigSection `readers` for plugins that only read it). Separately, every root key the root schema does not know must be declared in
   * the `sections` of a loaded plugin (a third-party plugin's own section), else it is an error.
   */
  sections?: readonly ConfigSection[];
  logger?: Logger;
  logLevel?: LogLevel;
  /** Where log lines go: a stream-like object or a file descriptor (default 1, the CLI uses 2). */
  logDestination?: { write(chunk: string): unknown } | number;
  /** Close on SIGTERM/SIGINT (a second signal forces exit). Off by default when embedding. */
  handleSignals?: boolean;
  timeouts?: Partial<KernelTimeouts>;
  /**
   * An unset `${VAR}` in a config file: `error` (default) fails loading; `report` leaves the
   * key out and records the problem, for commands that only inspect (doctor, audit, config
   * validate) — `check()` and `problems()` name it and start() still refuses.
   */
  missingEnv?: 'error' | 'report';
}

export type PluginStatus = 'registered' | 'setting-up' | 'set-up' | 'failed' | 'closed';

export interface PluginInfo {
  name: string;
  version: string;
  origin: PluginOrigin;
  declaredAt: string;
  status: PluginStatus;
  setupMs?: number;
  dependencies: readonly string[];
  description?: string;
  /** Config paths the plugin declares it reads (its definition's `sections`). */
  sections?: readonly string[];
  /** JSON Schema of those sections the kernel checks (its definition's `sectionSchemas`). */
  sectionSchemas?: Readonly<Record<string, object>>;
  /** JSON Schema of the options, and the defaults merged under them. */
  schema?: object;
  defaults?: object;
}

export interface Kernel extends AsyncDisposable {
  readonly version: string;
  readonly phase: Phase;
  readonly hooks: KernelHooks;
  /** Validated, deep-frozen config (after `load()`). */
  readonly config: Readonly<Record<string, any>>;
  /** The config's secrets as the root schema and every loaded plugin's schema mark them (after `validate()`). */
  readonly secrets: ConfigSecrets;
  readonly log: Logger;
  readonly paths: Omit<PluginPaths, 'data'>;
  readonly signal: AbortSignal;
  /** The project config file (absent for an object config or when only the seed file exists). */
  readonly configFile: string | undefined;
  /** Every file the config was read from: `<stateDir>/clawdbot.json` first, then the project file. */
  readonly configFiles: readonly string[];
  register(entry: PluginEntry, options?: object): this;
  /** Resolves config and plugins and validates every option; runs no plugin code. */
  validate(): Promise<PluginInfo[]>;
  /** validate() plus every plugin's setup, without starting; start() calls it. */
  load(): Promise<void>;
  /**
   * load() plus every check start() makes before its `start` hook: unset `${VAR}`s and each
   * plugin's `check`. Throws the first problem; nothing listens.
   */
  check(): Promise<PluginInfo[]>;
  /** load(), then every problem check() would throw (empty when start() would get past its checks). */
  problems(): Promise<Error[]>;
  /**
   * Every problem problems() would list for `config` in place of this kernel's own (a config
   * object such as the effective config with edits): a kernel with the same options, registered
   * plugins, state dir and plugin base folder loads it and runs the checks, then closes; nothing
   * starts and this kernel is untouched. Problems name "the edited config". A plugin file (a
   * path entry) this kernel does not load is not imported: it is reported as
   * MOLT_ERR_PLUGIN_DENIED, since the config may come from a client.
   */
  checkConfig(config: Record<string, unknown>): Promise<Error[]>;
  start(): Promise<void>;
  close(): Promise<void>;
  use<T>(ref: ServiceRef<T>): T;
  use<K extends ServiceName>(name: K): ServiceType<K>;
  plugins(): PluginInfo[];
  track<T>(work: Promise<T>): Promise<T>;
}
