/**
 * One error type and one catalogue for the whole framework (Fastify-style): every error has a
 * stable code `MOLT_ERR_<AREA>_<WHAT>`, says which plugin/hook/config path is involved and how
 * to fix it. Secret values never enter these messages: callers pass paths, not values.
 */

export interface ErrorSpec {
  /** Short, stable description of the error class. */
  readonly title: string;
  /** Default "how to solve" text; a throw site may give a more specific one. */
  readonly fix: string;
  /** Process exit code the CLI uses when this error ends a command. */
  readonly exitCode?: number;
  /**
   * The error's message is written for the person chatting (no internals, no secrets), so a
   * channel shows it as the bot's reply; other errors reach a chat user as their code only.
   */
  readonly userFacing?: boolean;
}

/** EX_CONFIG from sysexits.h: the config is wrong, restarting will not help. */
export const EXIT_CONFIG = 78;

export const ERROR_CATALOGUE = Object.freeze({
  MOLT_ERR_KERNEL_PHASE: {
    title: 'Kernel method called in the wrong phase',
    fix: 'Register plugins before start(); use services after start() resolves; do not reuse a closed kernel.',
  },
  MOLT_ERR_KERNEL_DRAIN_TIMEOUT: {
    title: 'In-flight work did not finish before the drain timeout',
    fix: 'Raise the kernel\'s `drain` timeout, or make long work observe `ctx.signal` and stop early.',
  },
  MOLT_ERR_CONFIG_INVALID: {
    title: 'Invalid configuration',
    fix: 'Correct the listed paths, then run `moltbot config validate`.',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_CONFIG_LOAD: {
    title: 'Configuration file could not be read',
    fix: 'Fix the syntax error at the given position, or remove the file.',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_CONFIG_ENV_MISSING: {
    title: 'A ${VAR} reference names an unset environment variable',
    fix: 'Export the variable before starting, or write $${VAR} for a literal "${VAR}".',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_PLUGIN_INVALID: {
    title: 'Not a plugin definition',
    fix: 'Export `definePlugin({ name, version, setup })` as the default export of the module.',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_SCHEMA_INVALID: {
    title: 'Invalid JSON Schema',
    fix: 'Fix the schema: ajv runs in strict mode (no unknown keywords, explicit types, no ignored defaults).',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_PLUGIN_DENIED: {
    title: 'Plugin refused by pluginPolicy',
    fix: 'Remove it from `plugins`, or change pluginPolicy.allow / pluginPolicy.deny.',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_PLUGIN_UNSAFE_PATH: {
    title: 'Local plugin can be changed by other users',
    fix: 'chmod o-w the file and its folders and own them yourself, or install the plugin as a package.',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_PLUGIN_MANIFEST_INVALID: {
    title: 'Invalid moltbot-plugin.json',
    fix: 'Write moltbot-plugin.json as { name, version, kernel, entry, options } (docs/plugins.md).',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_PLUGIN_NOT_FOUND: {
    title: 'Plugin could not be resolved',
    fix: 'Use a first-party plugin name (`moltbot plugins list`), an installed package name or a path.',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_PLUGIN_DUPLICATE: {
    title: 'Plugin registered twice',
    fix: 'Remove one of the two entries; a plugin runs once per kernel.',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_PLUGIN_KERNEL_RANGE: {
    title: 'Plugin requires another kernel version',
    fix: 'Install a plugin version built for this kernel, or upgrade moltbot.',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_PLUGIN_DEPENDENCY_MISSING: {
    title: 'Plugin dependency is not registered',
    fix: 'Add the missing plugin to `plugins` in your config.',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_PLUGIN_CYCLE: {
    title: 'Plugin dependencies form a cycle',
    fix: 'Break the cycle: move the shared part into its own plugin that both depend on.',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_PLUGIN_OPTIONS_INVALID: {
    title: 'Invalid plugin options',
    fix: 'Correct the listed option paths; `moltbot plugins info <name>` shows the schema.',
    exitCode: EXIT_CONFIG,
  },
  MOLT_ERR_PLUGIN_SETUP_FAILED: {
    title: 'Plugin setup failed',
    fix: 'See the cause below; the plugin author or its options are the place to look.',
  },
  MOLT_ERR_PLUGIN_TIMEOUT: {
    title: 'Plugin did not finish in time',
    fix: 'Check what the plugin waits for (network, disk), or raise its timeout in the kernel options.',
  },
  MOLT_ERR_HOOK_FAILED: {
    title: 'A hook tap threw',
    fix: 'See the cause below; the error names the plugin and the hook.',
  },
  MOLT_ERR_HOOK_TAP_PHASE: {
    title: 'Hook tapped outside setup',
    fix: 'Tap hooks inside `setup(ctx)` only; tapable recompiles a hook on every new tap.',
  },
  MOLT_ERR_HOOK_BEFORE_UNKNOWN: {
    title: 'A tap orders itself before an unknown tap',
    fix: 'Name an existing plugin in `before`, or add that plugin to your config.',
  },
  MOLT_ERR_SERVICE_MISSING: {
    title: 'Service is not provided by any plugin',
    fix: 'Add the plugin that provides it to `plugins` and list it in your plugin\'s `dependencies`.',
  },
  MOLT_ERR_SERVICE_UNDECLARED: {
    title: 'Service provided without being declared',
    fix: 'Add the service ref to the plugin\'s `provides`, or provide only the services it lists.',
  },
  MOLT_ERR_SERVICE_DUPLICATE: {
    title: 'Service provided twice',
    fix: 'Only one plugin may provide a service; remove one of them from `plugins`.',
  },
  MOLT_ERR_STORE_UNAVAILABLE: {
    title: 'A backing store (Redis) is unreachable',
    fix: 'Bring the store back (`/readyz` and `moltbot doctor` name the component); requests that need it are refused at once with retryAfterMs until it answers, then everything resumes by itself.',
  },
  MOLT_ERR_STORE_NO_SPACE: {
    title: 'No space left on the disk for a state file',
    fix: 'Free disk space (or raise the quota) on the filesystem of the state dir, then retry: the failed write was undone and nothing written before it was lost.',
  },
  MOLT_ERR_STORE_WRITE: {
    title: 'A state file write did not complete',
    fix: 'The disk accepted only part of the write (it was undone); check the filesystem of the state dir (`df -h`, kernel log), then retry.',
  },
  MOLT_ERR_CLOSE_FAILED: {
    title: 'Some close handlers failed',
    fix: 'See the listed causes; the kernel closed everything else.',
  },
} satisfies Record<string, ErrorSpec>);

/** A code the kernel's catalogue holds. */
export type KernelErrorCode = keyof typeof ERROR_CATALOGUE;

declare const DEFINED: unique symbol;
/** A code a plugin or SDK area registered with defineErrors(); the brand keeps typos out. */
export type DefinedErrorCode<K extends string = string> = K & { readonly [DEFINED]: true };

export type ErrorCode = KernelErrorCode | DefinedErrorCode;

export interface ErrorEntry extends ErrorSpec {
  readonly code: string;
  /** Who registered it: "kernel", a plugin name or an SDK area. */
  readonly owner: string;
}

const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/;
// On globalThis, not module scope: a plugin that loads a second copy of the package (an
// embedder's node_modules beside the CLI's) still registers into the catalogue the host lists.
const REGISTRY = Symbol.for('moltbot.errorRegistry');
const registry: Map<string, ErrorEntry> = ((globalThis as Record<symbol, unknown>)[REGISTRY] ??= new Map<string, ErrorEntry>()) as Map<string, ErrorEntry>;
for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) registry.set(code, { code, owner: 'kernel', ...(spec as ErrorSpec) });

/**
 * Registers a plugin's (or SDK area's) own error codes — SCREAMING_SNAKE, prefixed with its own
 * name (`ACME_ERR_QUOTA`) — and returns them as typed constants for `new MoltbotError(...)`.
 * Registering the same code again with the same text is a no-op (a module loaded twice); with
 * different text, or a code another owner holds, it throws.
 */
export function defineErrors<const C extends Record<string, ErrorSpec>>(owner: string, codes: C): { readonly [K in keyof C & string]: DefinedErrorCode<K> } {
  for (const [code, spec] of Object.entries(codes)) {
    if (!CODE.test(code)) throw new TypeError(`defineErrors(${JSON.stringify(owner)}): "${code}" is not an UPPER_SNAKE_CASE code such as ACME_ERR_QUOTA`);
    const existing = registry.get(code);
    if (existing && (existing.owner !== owner || existing.title !== spec.title || existing.fix !== spec.fix || existing.exitCode !== spec.exitCode || existing.userFacing !== spec.userFacing)) {
      throw new TypeError(`defineErrors(${JSON.stringify(owner)}): code ${code} is already defined by "${existing.owner}"`);
    }
    registry.set(code, { code, owner, ...spec });
  }
  return Object.freeze(Object.fromEntries(Object.keys(codes).map((code) => [code, code]))) as never;
}

/** Every registered code (the kernel's and those of the modules loaded so far), sorted. */
export function errorCatalogue(): ErrorEntry[] {
  return [...registry.values()].sort((a, b) => a.code.localeCompare(b.code));
}

export function errorSpec(code: string): ErrorSpec {
  return registry.get(code) ?? {
    title: `Unregistered error code ${code}`,
    fix: `The code ${code} was thrown without being registered: define it with defineErrors() in the module that throws it.`,
  };
}

const BRAND = Symbol.for('moltbot.error');

export interface ErrorDetails {
  message?: string;
  plugin?: string;
  hook?: string;
  /** Config path such as `plugins[2].options.url`. */
  path?: string;
  /** Config file the path refers to. */
  file?: string;
  fix?: string;
  cause?: unknown;
  /** Extra machine-readable facts (never secret values). */
  data?: Record<string, unknown>;
}

export class MoltbotError extends Error {
  override name = 'MoltbotError';
  readonly code: ErrorCode;
  readonly plugin?: string;
  readonly hook?: string;
  readonly path?: string;
  readonly file?: string;
  readonly fix: string;
  readonly data?: Record<string, unknown>;

  constructor(code: ErrorCode, details: ErrorDetails = {}) {
    const spec = errorSpec(code);
    super(details.message ?? spec.title, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    // Marks the error for isMoltbotError across copies of the package (dist vs source).
    Object.defineProperty(this, BRAND, { value: true });
    this.fix = details.fix ?? spec.fix;
    if (details.plugin !== undefined) this.plugin = details.plugin;
    if (details.hook !== undefined) this.hook = details.hook;
    if (details.path !== undefined) this.path = details.path;
    if (details.file !== undefined) this.file = details.file;
    if (details.data !== undefined) this.data = details.data;
  }

  get exitCode(): number {
    return errorSpec(this.code).exitCode ?? 1;
  }

  /** Multi-line text for terminals: message, where, how to fix, cause chain. */
  describe(): string {
    const where = [
      this.plugin && `plugin "${this.plugin}"`,
      this.hook && `hook "${this.hook}"`,
      this.file && `file ${this.file}`,
      this.path && `path ${this.path}`,
    ].filter(Boolean);
    const lines = [`${this.code}: ${this.message}`];
    if (where.length > 0) lines.push(`  at ${where.join(', ')}`);
    lines.push(`  fix: ${this.fix}`);
    for (let cause = this.cause, depth = 0; cause !== undefined && depth < 5; depth++) {
      const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      lines.push(`  cause: ${text.split('\n').join('\n         ')}`);
      cause = cause instanceof Error ? cause.cause : undefined;
    }
    return lines.join('\n');
  }
}

export function isMoltbotError(value: unknown, code?: ErrorCode): value is MoltbotError {
  // Branded, not instanceof, so errors from a second copy of the package still match.
  const candidate = value as { code?: unknown; [BRAND]?: unknown } | null;
  return (
    value instanceof Error &&
    typeof candidate?.code === 'string' &&
    (candidate[BRAND] === true || candidate.code.startsWith('MOLT_ERR_')) &&
    (code === undefined || candidate.code === code)
  );
}
