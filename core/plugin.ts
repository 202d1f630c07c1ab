/**
 * The plugin contract (Rollup/avvio style): a plain declarative object. Plain objects, not
 * classes, so a plugin built against one copy of the package works with another.
 */
import valid from 'semver/functions/valid.js';
import validRange from 'semver/ranges/valid.js';
import { MoltbotError } from './errors.ts';
import type { KernelHooks } from './hooks.ts';
import type { Logger } from './log.ts';
import type { Validator } from './validate/compile.ts';
import type { ConfigSecrets } from './validate/config-secrets.ts';
import { isServiceRef, type HooksRef, type ServiceRef, type ServiceUse } from './refs.ts';
import type { PluginInfo } from './kernel-types.ts';

/** Services plugins provide to each other. Augment it to type `ctx.use('name')`:
 * `declare module 'moltbot' { interface Services { cache: CacheService } }` */
export interface Services {}

export type ServiceName = keyof Services extends never ? string : keyof Services | (string & {});
export type ServiceType<K> = K extends keyof Services ? Services[K] : unknown;

export interface PluginPaths {
  /** `~/.clawdbot` unless MOLTBOT_STATE_DIR says otherwise. */
  readonly stateDir: string;
  /** The agent workspace (`agent.workspace`, default `~/clawd`). */
  readonly workspace: string;
  /** A directory of this plugin's own under the state dir (not created until used). */
  readonly data: string;
  readonly cwd: string;
  /** The project config file, when there is one. */
  readonly configFile?: string;
  /** Every file the config was read from (`<stateDir>/clawdbot.json`, then the project file). */
  readonly configFiles: readonly string[];
}

export interface CloseOptions {
  /** Per-entry timeout in ms (default: the kernel's `closeEntry` timeout). */
  timeout?: number;
}

export interface PluginContext {
  readonly name: string;
  readonly hooks: KernelHooks;
  readonly log: Logger;
  /** The validated, deep-frozen root config. */
  readonly config: Readonly<Record<string, any>>;
  /**
   * Masks or lists the config's secrets as the root schema and every loaded plugin's schema
   * mark them: use it wherever config (or a piece of it) is shown, returned or logged.
   */
  readonly secrets: ConfigSecrets;
  readonly paths: PluginPaths;
  /** Aborted when the kernel starts closing. */
  readonly signal: AbortSignal;
  /** Provides a service; with `provides` declared, only those refs. */
  provide<T>(ref: ServiceRef<T>, service: T): void;
  provide<K extends ServiceName>(name: K, service: ServiceType<K>): void;
  /** A service another plugin (or the ref's default) provides; throws naming it when none does. */
  use<T>(ref: ServiceRef<T>): T;
  use<K extends ServiceName>(name: K): ServiceType<K>;
  /** The service, or undefined when no plugin provides it and the ref has no default. */
  useOptional<T>(ref: ServiceRef<T>): T | undefined;
  /** Runs on close, last registered first. */
  onClose(fn: () => unknown, options?: CloseOptions): void;
  /** In-flight work close() waits for (under the drain timeout) before closing plugins. */
  track<T>(work: Promise<T>): Promise<T>;
  /**
   * Makes this plugin extensible: its own tapable hooks, guarded like the kernel's (taps only
   * in setup, errors attributed). Others reach them with `ctx.hooksOf(name)`; export a typed
   * `getXHooks(ctx)` helper from your plugin for them.
   */
  exposeHooks<H extends Record<string, unknown>>(hooks: H): Readonly<H>;
  /** The hooks another plugin exposed, typed by its ref; list it in `dependencies` so it is set up first. */
  hooksOf<H extends object>(ref: HooksRef<H>): Readonly<H>;
  hooksOf(plugin: string): Readonly<Record<string, unknown>>;
  /**
   * The plugins of this kernel with their origin (first-party, package, path, inline) and status,
   * so a plugin can tell the host's own plugins from others without importing the host's catalogue.
   */
  plugins(): PluginInfo[];
  /**
   * Every problem `moltbot config validate` would report for `config` in place of the running
   * config (root schema, plugin options and sections, every plugin's `check`), from a throwaway
   * kernel with the same plugins and paths; nothing starts. For a config edited elsewhere. A
   * plugin file the running config does not load is reported, never imported.
   */
  checkConfig(config: Record<string, unknown>): Promise<Error[]>;
  /**
   * Sends every log line of the kernel (JSON, already redacted, newline-terminated) to
   * `destination` too, until close; returns a function that stops it earlier.
   */
  addLogDestination(destination: { write(line: string): void }): () => void;
}

/** What a plugin's `check` sees: the validated config, the environment and the paths. */
export interface PluginCheckInput {
  readonly config: Readonly<Record<string, any>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly paths: PluginPaths;
  /** Services the plugins provided in setup (e.g. the tool registry, to check names against). */
  use<T>(ref: ServiceRef<T>): T;
  use<K extends ServiceName>(name: K): ServiceType<K>;
  useOptional<T>(ref: ServiceRef<T>): T | undefined;
}

export interface PluginDefinition<Options extends object = Record<string, unknown>> {
  /** kebab-case, unique per kernel. */
  name: string;
  /** semver of the plugin itself. */
  version: string;
  /** semver range of kernels this plugin works with, e.g. `^1.0.0`. */
  kernel?: string;
  description?: string;
  /** JSON Schema of the options (draft-07). */
  schema?: object;
  /** Precompiled standalone validator of `schema` (first-party plugins ship one). */
  validate?: Validator;
  /** Merged under the user's options before validation. */
  defaults?: Partial<Options>;
  /** Plugins that must be registered and set up first; missing → error naming both. */
  dependencies?: string[];
  /** Ordered first when present; absent is fine. */
  optionalDependencies?: string[];
  /**
   * Plugins this one takes the place of (it provides their services, e.g. `session-store-redis`
   * replaces `session-store-file`): they leave the preset, and a dependency on them is met by
   * this plugin. Declaring both in config is an error.
   */
  replaces?: string[];
  /**
   * Services this plugin provides in setup. Declared, they order it before its consumers and
   * let the kernel report a missing provider before any setup runs.
   */
  provides?: ServiceRef<any>[];
  /** Services it uses (`optionalService(ref)` for those it can do without). */
  consumes?: ServiceUse[];
  /**
   * Config paths this plugin reads: a root key of its own (`'acme'`, which the root schema does
   * not know: without a loaded plugin declaring it, that key is a config error) or a path of the
   * root config (`'logging'`, `'gateway.tailscale'`: declared exactly as the first-party
   * catalogue lists it, it serves that path in place of the plugin the section would otherwise
   * load). Without `sectionSchemas` the plugin validates its own section.
   */
  sections?: string[];
  /**
   * JSON Schema of sections in `sections` (keyed by the same path). The kernel checks the
   * section against it when the config loads, before any setup (an error names the path, e.g.
   * `acme.port`, and the plugin), and masks the fields it marks `"secret": true` — with every
   * key that looks secret — wherever config is shown or logged (`config print`, `config.get`,
   * the doctor bundle, the log redactor). The section reaches the plugin as written: defaults
   * in the schema are not filled in.
   */
  sectionSchemas?: Record<string, object>;
  /** A critical plugin reporting `degraded` makes `/readyz` fail. */
  critical?: boolean;
  setup(ctx: PluginContext, options: Readonly<Options>): void | Promise<void>;
  /**
   * The config checks start() would otherwise find late: a credential missing, two settings
   * that exclude each other, a file that must be readable. The kernel runs every plugin's
   * `check` after setup, both in start() (before the `start` hook) and in `kernel.check()`
   * (`moltbot config validate`, `moltbot doctor`), so they all give the same verdict. Reads
   * only: nothing may listen, write or call out here. Throw a MoltbotError naming the config
   * path and the fix.
   */
  check?(input: PluginCheckInput, options: Readonly<Options>): void | Promise<void>;
}

export type AnyPlugin = PluginDefinition<any>;

const SECTION_PATH = /^[A-Za-z_$][\w$-]*(\.[A-Za-z_$][\w$-]*)*$/;
const PLUGIN_NAME = /^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)?$/;

/** Identity with a shape check, so a malformed plugin fails where it is written. */
export function definePlugin<Options extends object = Record<string, unknown>>(
  definition: PluginDefinition<Options>,
): PluginDefinition<Options> {
  assertPluginDefinition(definition, 'definePlugin()');
  return definition;
}

export function isPluginDefinition(value: unknown): value is AnyPlugin {
  return (
    typeof value === 'object' && value !== null &&
    typeof (value as AnyPlugin).name === 'string' &&
    typeof (value as AnyPlugin).setup === 'function'
  );
}

export function assertPluginDefinition(value: unknown, origin: string): asserts value is AnyPlugin {
  const fail = (problem: string) => {
    throw new MoltbotError('MOLT_ERR_PLUGIN_INVALID', { message: `${origin}: ${problem}` });
  };
  if (typeof value !== 'object' || value === null) return fail(`expected a plugin object, got ${typeof value}`);
  const plugin = value as Partial<AnyPlugin>;
  if (typeof plugin.name !== 'string' || !PLUGIN_NAME.test(plugin.name)) {
    return fail(`"name" must be a kebab-case string (got ${JSON.stringify(plugin.name)})`);
  }
  if (typeof plugin.version !== 'string' || valid(plugin.version) === null) {
    return fail(`plugin "${plugin.name}": "version" must be a semver version such as "1.0.0" (got ${JSON.stringify(plugin.version)})`);
  }
  if (plugin.kernel !== undefined && validRange(plugin.kernel) === null) {
    return fail(`plugin "${plugin.name}": "kernel" must be a semver range such as "^1.0.0" (got ${JSON.stringify(plugin.kernel)})`);
  }
  if (typeof plugin.setup !== 'function') return fail(`plugin "${plugin.name}": "setup" must be a function`);
  if (plugin.check !== undefined && typeof plugin.check !== 'function') return fail(`plugin "${plugin.name}": "check" must be a function`);
  for (const key of ['dependencies', 'optionalDependencies', 'replaces'] as const) {
    const list = plugin[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((d) => typeof d !== 'string'))) {
      return fail(`plugin "${plugin.name}": "${key}" must be an array of plugin names`);
    }
  }
  if (plugin.sections !== undefined && (!Array.isArray(plugin.sections) || plugin.sections.some((path) => typeof path !== 'string' || !SECTION_PATH.test(path)))) {
    return fail(`plugin "${plugin.name}": "sections" must be an array of config paths such as "acme" or "logging.transports"`);
  }
  if (plugin.sectionSchemas !== undefined) {
    if (typeof plugin.sectionSchemas !== 'object' || plugin.sectionSchemas === null || Array.isArray(plugin.sectionSchemas)) {
      return fail(`plugin "${plugin.name}": "sectionSchemas" must be an object mapping section paths to JSON Schemas`);
    }
    for (const [path, schema] of Object.entries(plugin.sectionSchemas)) {
      if (!(plugin.sections ?? []).includes(path)) return fail(`plugin "${plugin.name}": "sectionSchemas" has "${path}", which is not in its "sections"; declare it there too`);
      if (typeof schema !== 'object' || schema === null) return fail(`plugin "${plugin.name}": "sectionSchemas.${path}" must be a JSON Schema object`);
    }
  }
  if (plugin.provides !== undefined && (!Array.isArray(plugin.provides) || !plugin.provides.every(isServiceRef))) {
    return fail(`plugin "${plugin.name}": "provides" must be an array of service refs (createServiceRef)`);
  }
  if (plugin.consumes !== undefined && (!Array.isArray(plugin.consumes) || !plugin.consumes.every((use) => isServiceRef(use) || isServiceRef((use as { ref?: unknown })?.ref)))) {
    return fail(`plugin "${plugin.name}": "consumes" must be an array of service refs or optionalService(ref)`);
  }
  if (plugin.schema !== undefined && (typeof plugin.schema !== 'object' || plugin.schema === null)) {
    return fail(`plugin "${plugin.name}": "schema" must be a JSON Schema object`);
  }
}
