/**
 * The kernel: phases, plugin registration, start and close. It holds no feature code; all it
 * knows is how to load config, order plugins, run their setup and take them down again.
 */
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import rootSchema from '../schemas/moltbot.config.json' with { type: 'json' };
import { cloneData, expandHome, loadConfig, resolveStateDir } from './config/index.ts';
import { configOptionsPath, validateConfig, validatePluginOptions, validatePluginSections } from './kernel-validation.ts';
import { assertRootKeysClaimed, pluginsForSections, splitUnknownRootKeys, withExtraKeys, withoutEnvPaths, writtenCopy } from './kernel-sections.ts';
import { MoltbotError, isMoltbotError } from './errors.ts';
import { checkBeforeNames, guardHooks, hookError, type TapPolicy, type TapRecord } from './hook-guard.ts';
import { createHooks, type KernelHooks } from './hooks.ts';
import { assertPhase, CloseStack, timeoutError, withTimeout, type Phase } from './lifecycle.ts';
import { createLogger, flushLogger, pluginLogger, type LogDestination, type Logger } from './log.ts';
import type { AnyPlugin, PluginCheckInput, PluginContext, PluginPaths, ServiceName, ServiceType } from './plugin.ts';
import { orderPlugins, type PluginRecord } from './registry.ts';
import { isPathReference, resolveEntry, type PluginEntry } from './resolve-plugin.ts';
import type { HooksRef, ServiceRef } from './refs.ts';
import { assertConsumedServicesProvided, assertDeclaredProvide, assertDeclaredProvided } from './service-declarations.ts';
import { ServiceRegistry } from './services.ts';
import { onShutdownSignal } from './signals.ts';
import { secretPaths } from './validate/index.ts';
import { configSecrets, type ConfigSecrets, type PluginSchemaAt } from './validate/config-secrets.ts';
import { collectSecretValues } from './validate/secrets.ts';
import { KERNEL_VERSION } from './version.ts';
import { DEFAULT_TIMEOUTS, type Kernel, type KernelOptions, type KernelTimeouts, type PluginInfo } from './kernel-types.ts';

export { DEFAULT_TIMEOUTS } from './kernel-types.ts';
export type { Kernel, KernelOptions, KernelTimeouts, PluginInfo, PluginStatus } from './kernel-types.ts';

class MoltbotKernel implements Kernel {
  readonly version = KERNEL_VERSION;
  readonly hooks: KernelHooks = createHooks();
  readonly #options: KernelOptions;
  readonly #timeouts: KernelTimeouts;
  readonly #cwd: string;
  readonly #env: Record<string, string | undefined>;
  readonly #home: string;
  readonly #registered: PluginEntry[] = [];
  readonly #services = new ServiceRegistry();
  readonly #closeStack = new CloseStack();
  readonly #abort = new AbortController();
  readonly #inflight = new Set<Promise<unknown>>();
  readonly #infos = new Map<string, PluginInfo>();
  readonly #closeErrors: Error[] = [];
  readonly #logDestinations = new Set<LogDestination>();
  readonly #taps: TapRecord[] = [];
  readonly #tapPolicy: TapPolicy;
  readonly #exposedHooks = new Map<string, Readonly<Record<string, unknown>>>();
  #phase: Phase = 'created';
  #config: Readonly<Record<string, any>> = Object.freeze({});
  #configFile: string | undefined;
  /** Set on a checkConfig() probe: relative plugin paths resolve where the live kernel's do. */
  #candidate: { baseDir: string } | undefined;
  #configFiles: readonly string[] = [];
  #stateDir: string;
  #log: Logger | undefined;
  #settingUp: string | undefined;
  #secretValues: string[] = [];
  /** Secret strings in plugin options (any plugin's schema), for the log redactor's literal pass. */
  #pluginSecretValues: string[] = [];
  #allSecretValues: string[] = [];
  #pluginSchemas: PluginSchemaAt[] = [];
  #secrets: ConfigSecrets = configSecrets(rootSchema, []);
  #preparing: Promise<void> | undefined;
  /** `optionsPath`: where its options are in the config, named by its check's errors. */
  #prepared: { plugin: AnyPlugin; options: Readonly<object>; optionsPath: string | undefined }[] = [];
  #loading: Promise<void> | undefined;
  #starting: Promise<void> | undefined;
  #checking: Promise<Error[]> | undefined;
  /** Unset `${VAR}`s found while loading with `missingEnv: 'report'`. */
  #missingEnv: MoltbotError[] = [];
  #closing: Promise<void> | undefined;
  /** The resolved plugins, once known: a root key none of them declares is a config error. */
  #resolved: readonly AnyPlugin[] | undefined;
  /** The config as written (no schema defaults): which sections the user set. */
  #written: Record<string, any> = {};
  #unhookSignals: (() => void) | undefined;

  constructor(options: KernelOptions) {
    this.#options = options;
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.#cwd = options.cwd ?? process.cwd();
    this.#env = options.env ?? process.env;
    this.#home = options.homeDir ?? homedir();
    this.#stateDir = resolveStateDir(this.#env, this.#home);
    this.#tapPolicy = {
      ownerForTap: (hook) => this.#ownerForTap(hook),
      startTimeoutMs: () => this.#timeouts.start,
      closeEntryTimeoutMs: () => this.#timeouts.closeEntry,
      collectCloseError: (error) => this.#closeErrors.push(error),
    };
    guardHooks(this.hooks, this.#tapPolicy, this.#taps);
    if (options.handleSignals) {
      // Whoever awaits close() decides about the exit; a second signal forces it (signals.ts).
      this.#unhookSignals = onShutdownSignal((signal) => {
        this.log.info({ signal }, 'shutdown signal received, closing');
        this.close().catch(() => undefined);
      });
    }
    for (const entry of options.plugins ?? []) this.register(entry);
  }

  get phase(): Phase { return this.#phase; }
  get config(): Readonly<Record<string, any>> { return this.#config; }
  get configFile(): string | undefined { return this.#configFile; }
  get configFiles(): readonly string[] { return this.#configFiles; }
  get signal(): AbortSignal { return this.#abort.signal; }

  get log(): Logger {
    // Before config is known, log at the requested level with the built-in redaction only.
    this.#log ??= this.#options.logger ?? this.#createLogger(undefined);
    return this.#log;
  }

  get paths(): Omit<PluginPaths, 'data'> {
    const workspace = this.#config.agent?.workspace ?? this.#config.agents?.defaults?.workspace ?? '~/clawd';
    return {
      stateDir: this.#stateDir,
      workspace: expandHome(workspace, this.#home),
      cwd: this.#cwd,
      configFiles: this.#configFiles,
      ...(this.#configFile === undefined ? {} : { configFile: this.#configFile }),
    };
  }

  register(entry: PluginEntry, options?: object): this {
    assertPhase(this.#phase, ['created'], 'register');
    if (this.#preparing) {
      throw new MoltbotError('MOLT_ERR_KERNEL_PHASE', { message: 'kernel.register() after kernel.validate(): register every plugin first' });
    }
    this.#registered.push(options === undefined ? entry : [entry as string, options]);
    return this;
  }

  load(): Promise<void> {
    if (!this.#loading) {
      assertPhase(this.#phase, ['created'], 'load');
      this.#phase = 'registering';
      this.#loading = this.#load().catch(async (error: unknown) => {
        await this.#fail();
        throw error;
      });
    }
    return this.#loading;
  }

  start(): Promise<void> {
    if (this.#phase === 'closing' || this.#phase === 'closed') {
      return Promise.reject(new MoltbotError('MOLT_ERR_KERNEL_PHASE', { message: `kernel.start() is not allowed while the kernel is "${this.#phase}": create a new kernel` }));
    }
    if (!this.#starting) {
      assertPhase(this.#phase, ['created', 'registering'], 'start');
      this.#starting = this.#start();
    }
    return this.#starting;
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  use<T>(ref: ServiceRef<T>): T;
  use<K extends ServiceName>(name: K): ServiceType<K>;
  use(name: string | ServiceRef<unknown>): unknown {
    return this.#services.use(name, 'host');
  }

  plugins(): PluginInfo[] {
    return [...this.#infos.values()].map((info) => ({ ...info }));
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.#inflight.add(work);
    const forget = () => this.#inflight.delete(work);
    work.then(forget, forget);
    return work;
  }

  #hooksOf(owner: string, consumer: string): Readonly<Record<string, unknown>> {
    const hooks = this.#exposedHooks.get(owner);
    if (!hooks) {
      throw new MoltbotError('MOLT_ERR_SERVICE_MISSING', {
        message: `Plugin "${consumer}" asks for the hooks of "${owner}", which ${this.#infos.has(owner) ? 'exposes none (yet)' : 'is not registered'}`,
        plugin: consumer,
        fix: `Add "${owner}" to \`plugins\` and to the \`dependencies\` of "${consumer}" so it is set up first.`,
      });
    }
    return hooks;
  }

  #ownerForTap(hook: string): string {
    if (this.#phase === 'created') return 'host';
    if (this.#phase === 'registering' && this.#settingUp !== undefined) return this.#settingUp;
    throw new MoltbotError('MOLT_ERR_HOOK_TAP_PHASE', {
      message: `Hook "${hook}" was tapped while the kernel is "${this.#phase}"; taps are only accepted during plugin setup`,
      hook,
    });
  }

  #createLogger(config: Readonly<Record<string, any>> | undefined): Logger {
    return createLogger({
      level: this.#options.logLevel ?? config?.logging?.level ?? 'info',
      ...(this.#options.logDestination !== undefined ? { destination: this.#options.logDestination } : {}),
      secretPaths: secretPaths(rootSchema),
      secretValues: () => this.#allSecretValues,
      extraDestinations: () => this.#logDestinations,
    });
  }

  async #start(): Promise<void> {
    const began = performance.now();
    await this.load();
    // The same checks `moltbot config validate` and `doctor` run: one verdict for all three.
    const problems = await this.problems().catch((error: unknown) => [error as Error]);
    if (problems.length > 0) {
      await this.#fail();
      throw problems[0];
    }
    this.#phase = 'starting';
    try {
      this.hooks.init.call();
      await this.hooks.start.promise();
      if (this.#abort.signal.aborted) throw new MoltbotError('MOLT_ERR_KERNEL_PHASE', { message: 'kernel.close() was called during start' });
      this.#phase = 'ready';
      this.hooks.ready.call();
    } catch (error) {
      await this.#fail();
      throw error;
    }
    this.log.info({ plugins: this.#infos.size, ms: Math.round(performance.now() - began) }, 'kernel ready');
  }

  problems(): Promise<Error[]> {
    this.#checking ??= this.load().then(() => this.#runChecks());
    return this.#checking;
  }

  async checkConfig(config: Record<string, unknown>): Promise<Error[]> {
    const unknownFiles = this.#unloadedPluginFiles(config);
    if (unknownFiles.length > 0) return unknownFiles;
    // Its own config, plugins (copied below), logging and signals are the probe's, not this kernel's.
    const { config: _config, configFile: _file, plugins: _plugins, logger: _logger, logDestination: _destination, handleSignals: _signals, ...same } = this.#options;
    const probe = new MoltbotKernel({ ...same, config, logLevel: 'silent', missingEnv: 'report' });
    probe.#stateDir = this.#stateDir;
    probe.#candidate = { baseDir: this.#configFile ? dirname(this.#configFile) : this.#cwd };
    probe.#registered.push(...this.#registered);
    try {
      return await probe.problems();
    } catch (error) {
      return [error instanceof Error ? error : new Error(String(error))];
    } finally {
      await probe.close().catch(() => undefined);
    }
  }

  /**
   * The candidate's plugin files this kernel does not load: never imported for a check. The
   * config may come from a client (the control UI), and a file a tool wrote would run here
   * (as `config.apply` running a config-named executable did on the peer, CVE-2026-25593).
   * Names resolve only to first-party plugins and installed packages, which the operator chose.
   */
  #unloadedPluginFiles(config: Record<string, unknown>): MoltbotError[] {
    const referenceOf = (entry: unknown) => (Array.isArray(entry) ? entry[0] : entry);
    const loaded = new Set([...((this.#config.plugins ?? []) as unknown[]), ...this.#registered].map(referenceOf));
    const entries = Array.isArray(config['plugins']) ? config['plugins'] as unknown[] : [];
    return entries.flatMap((entry, index) => {
      const reference = referenceOf(entry);
      if (typeof reference !== 'string' || !isPathReference(reference) || loaded.has(reference)) return [];
      return [new MoltbotError('MOLT_ERR_PLUGIN_DENIED', {
        message: `Plugin file "${reference}" (plugins[${index}]) is not loaded by the running kernel, so checkConfig() does not import it`,
        path: `plugins[${index}]`,
        fix: 'Check a config with a new plugin file where it will run: `moltbot config validate` on the host.',
      })];
    });
  }

  async check(): Promise<PluginInfo[]> {
    const problems = await this.problems();
    if (problems[0] !== undefined) throw problems[0];
    return this.plugins();
  }

  /** Every plugin's `check` (in setup order), all run so doctor can list every problem at once. */
  async #runChecks(): Promise<Error[]> {
    const problems: Error[] = [...this.#missingEnv];
    for (const { plugin, options, optionsPath } of this.#prepared) {
      if (plugin.check === undefined) continue;
      const paths = Object.freeze({ ...this.paths, data: join(this.#stateDir, 'plugins', plugin.name) });
      try {
        const use = (service: string | ServiceRef<unknown>) => this.#services.use(service, plugin.name);
        const useOptional = (ref: ServiceRef<unknown>) => this.#services.useOptional(ref, plugin.name);
        await plugin.check({ config: this.#config, env: this.#env, paths, use: use as PluginCheckInput['use'], useOptional: useOptional as PluginCheckInput['useOptional'] }, options);
      } catch (error) {
        problems.push(isMoltbotError(error) ? error : new MoltbotError('MOLT_ERR_PLUGIN_SETUP_FAILED', {
          message: `Plugin "${plugin.name}" failed its config check: ${error instanceof Error ? error.message : String(error)}`,
          plugin: plugin.name,
          hook: 'check',
          ...(optionsPath !== undefined ? { path: optionsPath } : {}),
          cause: error,
        }));
      }
    }
    return problems;
  }

  validate(): Promise<PluginInfo[]> {
    this.#preparing ??= this.#prepare();
    return this.#preparing.then(() => this.plugins());
  }

  /** Everything that can fail on a wrong config, before any plugin code runs. */
  async #prepare(): Promise<void> {
    this.#config = await this.#resolveConfig();
    if (!this.#options.logger) this.#log = this.#createLogger(this.#config);
    const records = await this.#resolvePlugins();
    this.#resolved = records.map((record) => record.plugin);
    assertRootKeysClaimed(this.#config, this.#resolved, this.#configLabel(this.#configFile), this.#configFile);
    const ordered = orderPlugins(records, KERNEL_VERSION);
    assertConsumedServicesProvided(ordered.map((record) => record.plugin));
    this.#prepared = ordered.map((record) => ({ plugin: record.plugin, options: validatePluginOptions(record, this.#configFile), optionsPath: configOptionsPath(record) }));
    const sections = ordered.flatMap((record) => validatePluginSections(record.plugin, this.#config, this.#configFile).map((section) => ({ plugin: record.plugin.name, ...section })));
    this.#pluginSchemas = ordered.flatMap((record) => {
      const schema = record.plugin.schema;
      if (schema === undefined) return [];
      const paths = [this.#optionsPosition(record)];
      // A channel plugin listed in `plugins` still reads its `channels.<id>` section (the implied-plugin convention): mask it there too.
      const channel = /^channel-([a-z0-9][a-z0-9_-]*)$/.exec(record.plugin.name)?.[1];
      if (channel !== undefined && record.optionsPath !== `channels.${channel}` && Object.hasOwn(this.#config.channels ?? {}, channel)) paths.push(['channels', channel]);
      return paths.flatMap((path) => (path === undefined ? [] : [{ plugin: record.plugin.name, path, schema }]));
    });
    for (const { plugin, path, schema } of sections) this.#pluginSchemas.push({ plugin, path, schema });
    this.#secrets = configSecrets(rootSchema, this.#pluginSchemas);
    this.#pluginSecretValues = [...new Set([
      ...this.#prepared.flatMap(({ plugin, options }) => (plugin.schema ? collectSecretValues(options, plugin.schema) : [])),
      ...sections.flatMap(({ value, schema }) => collectSecretValues(value, schema)),
    ])];
    this.#allSecretValues = [...new Set([...this.#secretValues, ...this.#pluginSecretValues])];
    for (const record of ordered) {
      this.#infos.set(record.plugin.name, {
        name: record.plugin.name, version: record.plugin.version, origin: record.origin,
        declaredAt: record.declaredAt, status: 'registered', dependencies: record.plugin.dependencies ?? [],
        ...(record.plugin.description === undefined ? {} : { description: record.plugin.description }),
        ...(record.plugin.sections === undefined ? {} : { sections: record.plugin.sections }),
        ...(record.plugin.sectionSchemas === undefined ? {} : { sectionSchemas: record.plugin.sectionSchemas }),
        ...(record.plugin.schema === undefined ? {} : { schema: record.plugin.schema }),
        ...(record.plugin.defaults === undefined ? {} : { defaults: record.plugin.defaults }),
      });
    }
  }

  /** Where a plugin's options sit in the config: `plugins[i]`'s options element, or its options path (`channels.telegram`). */
  #optionsPosition(record: PluginRecord): (string | number)[] | undefined {
    if (record.optionsPath !== undefined) return record.optionsPath.split('.');
    const index = /^plugins\[(\d+)\]$/.exec(record.declaredAt)?.[1];
    if (index === undefined || !Array.isArray(this.#config.plugins?.[Number(index)])) return undefined;
    return ['plugins', Number(index), 1];
  }

  /** The config's secrets as every loaded plugin's schema marks them (complete after validate()). */
  get secrets(): ConfigSecrets {
    return this.#secrets;
  }

  async #load(): Promise<void> {
    this.#preparing ??= this.#prepare();
    await this.#preparing;
    for (const { plugin, options } of this.#prepared) await this.#setup(plugin, options);
    checkBeforeNames(this.#taps);
    const resolved = this.hooks.configResolved.call(this.#config);
    if (resolved !== this.#config) {
      this.#config = this.#validateConfig(resolved as Record<string, unknown>, 'configResolved');
      for (const { plugin } of this.#prepared) validatePluginSections(plugin, this.#config, this.#configFile);
    }
  }

  async #resolveConfig(): Promise<Readonly<Record<string, any>>> {
    if (this.#options.config) {
      return this.#validateConfig(cloneData(this.#options.config), undefined);
    }
    const loaded = await loadConfig({
      cwd: this.#cwd, env: this.#env, homeDir: this.#home,
      ...(this.#options.configFile ? { configFile: this.#options.configFile } : {}),
      ...(this.#options.missingEnv === 'report' ? { onMissingEnv: (problem: MoltbotError) => void this.#missingEnv.push(problem) } : {}),
    });
    this.#configFile = loaded.file;
    this.#configFiles = Object.freeze([loaded.seedFile, loaded.file].filter((file): file is string => file !== undefined));
    this.#stateDir = loaded.stateDir;
    const config = this.#validateConfig(loaded.config, loaded.file);
    withoutEnvPaths(this.#written, loaded.envOverrides.map((override) => override.path));
    return config;
  }

  #configLabel(file: string | undefined): string {
    return file ?? (this.#candidate !== undefined ? 'the edited config' : this.#options.config ? 'the config passed to createKernel()' : 'the default config');
  }

  #validateConfig(config: Record<string, unknown>, file: string | undefined): Readonly<Record<string, any>> {
    const label = this.#configLabel(file);
    // Root keys the schema does not know wait for the plugins: a loaded plugin's `sections` may own them.
    const { known, extra } = splitUnknownRootKeys(config, label);
    this.#written = writtenCopy(config);
    const validated = validateConfig(known, label, file);
    this.#secretValues = validated.secretValues;
    this.#allSecretValues = [...new Set([...this.#secretValues, ...this.#pluginSecretValues])];
    const result = withExtraKeys(validated.config, extra);
    if (this.#resolved !== undefined) assertRootKeysClaimed(result, this.#resolved, label, file);
    return result;
  }

  async #resolvePlugins(): Promise<PluginRecord[]> {
    const fromConfig = (this.#config.plugins ?? []) as PluginEntry[];
    const resolveOptions = {
      baseDir: this.#candidate?.baseDir ?? (this.#configFile ? dirname(this.#configFile) : this.#cwd),
      catalogue: this.#options.catalogue ?? {},
      ...(this.#config.pluginPolicy ? { policy: this.#config.pluginPolicy } : {}),
    };
    const declared = new Set([...fromConfig, ...this.#registered].map((entry) => (Array.isArray(entry) ? entry[0] : entry)));
    const preset = this.#config.preset === 'none' ? [] : (this.#options.preset ?? []).filter((name) => !declared.has(name));
    const [presetRecords, declaredRecords] = await Promise.all([
      Promise.all(preset.map(async (name) => ({ ...(await resolveEntry(name, `preset "${name}"`, resolveOptions)), implicit: true }))),
      Promise.all([
        ...fromConfig.map((entry, index) => resolveEntry(entry, `plugins[${index}]`, resolveOptions)),
        ...this.#registered.map((entry, index) => resolveEntry(entry, `register() #${index + 1}`, resolveOptions)),
      ]),
    ]);
    // `preset: "none"` means exactly the listed plugins: nothing preset, nothing implied.
    const implied = this.#config.preset === 'none' ? [] : this.#options.impliedPlugins?.(this.#config, new Set(declaredRecords.map((record) => record.plugin.name))) ?? [];
    const impliedRecords = await Promise.all(implied.map(async ({ entry, optionsPath }) => ({
      ...(await resolveEntry(entry, optionsPath, resolveOptions)), optionsPath, implicit: true,
    })));
    const impliedNames = new Set(impliedRecords.map((record) => record.plugin.name));
    const records = [...presetRecords.filter((record) => !impliedNames.has(record.plugin.name)), ...declaredRecords, ...impliedRecords];
    // A present section whose reader is missing loads it (or, when it may not, fails naming the plugin to add).
    const fromSections = pluginsForSections(this.#written, this.#options.sections ?? [], records.map((record) => record.plugin), {
      withPreset: this.#options.preset !== undefined, file: this.#configFile,
    });
    const sectionRecords = await Promise.all(fromSections.map(async ({ name, path }) => ({ ...(await resolveEntry(name, path, resolveOptions)), implicit: true })));
    return [...records, ...sectionRecords];
  }

  async #setup(plugin: AnyPlugin, options: Readonly<object>): Promise<void> {
    const info = this.#infos.get(plugin.name)!;
    const ctx = this.#context(plugin);
    const began = performance.now();
    info.status = 'setting-up';
    this.#settingUp = plugin.name;
    try {
      await withTimeout(
        Promise.resolve().then(() => plugin.setup(ctx, options)),
        this.#timeouts.setup,
        () => timeoutError('MOLT_ERR_PLUGIN_TIMEOUT', plugin.name, 'setup', this.#timeouts.setup, 'setup'),
      );
    } catch (error) {
      info.status = 'failed';
      if (isMoltbotError(error) && (error.plugin !== undefined || error.code === 'MOLT_ERR_PLUGIN_TIMEOUT')) throw error;
      throw new MoltbotError('MOLT_ERR_PLUGIN_SETUP_FAILED', {
        message: `Plugin "${plugin.name}" failed in setup: ${error instanceof Error ? error.message : String(error)}`,
        plugin: plugin.name,
        hook: 'setup',
        cause: error,
      });
    } finally {
      this.#settingUp = undefined;
    }
    try {
      assertDeclaredProvided(plugin, (id) => this.#services.has(id));
    } catch (error) {
      info.status = 'failed';
      throw error;
    }
    info.status = 'set-up';
    info.setupMs = performance.now() - began;
  }

  #context(plugin: AnyPlugin): PluginContext {
    const kernel = this;
    const name = plugin.name;
    let log: Logger | undefined;
    return Object.freeze({
      name,
      hooks: this.hooks,
      get log() { return (log ??= pluginLogger(kernel.log, name)); },
      get config() { return kernel.#config; },
      get secrets() { return kernel.#secrets; },
      get paths() { return Object.freeze({ ...kernel.paths, data: join(kernel.#stateDir, 'plugins', name) }); },
      get signal() { return kernel.#abort.signal; },
      provide: (service: string | ServiceRef<unknown>, value: unknown) => {
        assertDeclaredProvide(plugin, service);
        this.#services.provide(name, service, value);
      },
      use: (service: string | ServiceRef<unknown>) => this.#services.use(service, name),
      useOptional: (ref: ServiceRef<unknown>) => this.#services.useOptional(ref, name),
      onClose: (fn: () => unknown, options?: { timeout?: number }) => {
        this.#closeStack.push({ plugin: name, fn, timeoutMs: options?.timeout ?? this.#timeouts.closeEntry });
      },
      track: <T>(work: Promise<T>) => this.track(work),
      exposeHooks: <H extends Record<string, unknown>>(hooks: H): Readonly<H> => {
        if (this.#exposedHooks.has(name)) {
          throw new MoltbotError('MOLT_ERR_PLUGIN_INVALID', { message: `Plugin "${name}" exposed its hooks twice`, plugin: name });
        }
        const frozen = Object.freeze({ ...hooks });
        guardHooks(frozen, this.#tapPolicy, this.#taps, `${name}.`);
        this.#exposedHooks.set(name, frozen);
        return frozen;
      },
      hooksOf: (owner: string | HooksRef<object>) => this.#hooksOf(typeof owner === 'string' ? owner : owner.plugin, name),
      plugins: () => this.plugins(),
      checkConfig: (config: Record<string, unknown>) => this.checkConfig(config),
      addLogDestination: (destination: LogDestination) => {
        this.#logDestinations.add(destination);
        const remove = () => void this.#logDestinations.delete(destination);
        // Removed on close, after everything else closed: the last lines still reach it.
        this.#closeStack.pushBottom({ plugin: name, fn: remove, timeoutMs: this.#timeouts.closeEntry });
        return remove;
      },
    }) as PluginContext;
  }

  async #close(): Promise<void> {
    if (this.#phase === 'created') {
      this.#phase = 'closed';
      this.#unhookSignals?.();
      return;
    }
    this.#abort.abort();
    // A close during start waits for start to notice and tear itself down.
    await Promise.allSettled([this.#loading, this.#starting]);
    if (this.#phase === 'failed') return;
    this.#phase = 'closing';
    const errors: Error[] = [];
    try {
      await withTimeout(this.hooks.beforeClose.promise(), this.#timeouts.beforeClose,
        () => timeoutError('MOLT_ERR_PLUGIN_TIMEOUT', 'kernel', 'beforeClose', this.#timeouts.beforeClose, 'beforeClose'));
    } catch (error) {
      errors.push(error as Error);
    }
    const pending = this.#inflight.size;
    if (pending > 0) {
      try {
        await withTimeout(Promise.allSettled([...this.#inflight]), this.#timeouts.drain, () => new MoltbotError('MOLT_ERR_KERNEL_DRAIN_TIMEOUT', {
          message: `${this.#inflight.size} of ${pending} in-flight operations were still running after ${this.#timeouts.drain} ms`,
        }));
      } catch (error) {
        errors.push(error as Error);
      }
    }
    errors.push(...(await this.#teardown()));
    this.#phase = 'closed';
    if (errors.length > 0) {
      for (const error of errors) this.log.error({ err: error }, 'error while closing');
      await flushLogger(this.log).catch(() => undefined);
      throw new MoltbotError('MOLT_ERR_CLOSE_FAILED', {
        message: `${errors.length} error(s) while closing: ${errors.map((e) => e.message).join('; ')}`,
        cause: new AggregateError(errors, 'close errors'),
      });
    }
    this.log.debug('kernel closed');
    await flushLogger(this.log).catch(() => undefined);
  }

  /** close taps (reverse order) then onClose handlers (LIFO); every one runs, failures are collected. */
  async #teardown(): Promise<Error[]> {
    this.#closeErrors.length = 0;
    try {
      await this.hooks.close.promise();
    } catch (error) {
      this.#closeErrors.push(hookError(error, 'kernel', 'close'));
    }
    const errors = [...this.#closeErrors, ...(await this.#closeStack.drain())];
    for (const info of this.#infos.values()) if (info.status === 'set-up') info.status = 'closed';
    this.#unhookSignals?.();
    return errors;
  }

  /** A failed load/start leaves nothing running: what was set up is closed again. */
  async #fail(): Promise<void> {
    if (this.#phase === 'failed') return;
    this.#phase = 'failed';
    this.#abort.abort();
    const errors = await this.#teardown();
    for (const error of errors) this.log.error({ err: error }, 'error while closing after a failed start');
    await flushLogger(this.log).catch(() => undefined);
  }
}

export function createKernel(options: KernelOptions = {}): Kernel {
  return new MoltbotKernel(options);
}
