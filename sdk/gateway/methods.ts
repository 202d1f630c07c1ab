/**
 * RPC methods. A method is a tap on the kernel's `rpc` HookMap plus a declaration the gateway
 * needs before it lets a request through: the scope it requires, the JSON Schema of its params
 * and the plugin's own error codes it may answer with. `defineMethod` does all of it, for
 * first-party and third-party plugins alike, so nobody taps `rpc` by hand (a raw tap is
 * undeclared: admin-only, unvalidated, listed to admins only):
 *
 *   defineMethod(ctx, { name: 'sessions.list', scope: 'read', params: {...}, handler: (params, rpc) => ... });
 *
 * Declarations live in a registry per kernel (keyed by its hooks object), so a plugin can
 * declare methods whether or not the gateway plugin is set up yet.
 */
import type { KernelHooks } from '../core/index.ts';
import type { RpcContext, Scope } from '../core/index.ts';
import type { PluginContext } from '../core/index.ts';
import { compileSchema, errorCatalogue, type DefinedErrorCode, type Validator } from '../core/index.ts';
import { METHOD_PATTERN, isScope } from '../protocol/index.ts';

export interface MethodSpec<Params = any, Result = unknown> {
  /** e.g. `sessions.list`: letters, digits, `.`, `_`, `-`; at most 64 characters. */
  name: string;
  /** Required scope; the server grants scopes from the credential. */
  scope: Scope;
  description?: string;
  /** JSON Schema of `params` (draft-07); absent: params are not checked. */
  params?: object;
  /**
   * `params` precompiled (ajv standalone code, as `npm run build:schemas` makes from a
   * first-party plugin's `method-params.ts`): checks requests instead of `params` compiled on the
   * method's first call, which loads ajv (tens of ms on a gateway's first request). Generate it
   * from `params` at build time; `params` still documents the method.
   */
  validate?: Validator;
  /** Changes state: honours an idempotency key. Default: true for write and admin methods. */
  sideEffects?: boolean;
  /**
   * The plugin's own error codes (what `defineErrors` returned, or some of its values) this
   * method may fail with: a `MoltbotError` with one of them reaches the client as that code
   * (`error.code`), its `fix` in `error.details.fix`. Any other MoltbotError is PLUGIN_ERROR.
   */
  errors?: Readonly<Record<string, DefinedErrorCode>> | readonly DefinedErrorCode[];
  /** Result becomes the response payload; throw `RpcError` for a specific wire error. */
  handler(params: Params, context: RpcContext): Result | Promise<Result>;
}

export interface MethodInfo {
  readonly name: string;
  readonly scope: Scope;
  readonly description?: string;
  readonly sideEffects: boolean;
  /** Plugin that declared it. */
  readonly plugin: string;
  readonly params?: object;
  /** Codes from `errors` that reach the client as themselves. */
  readonly errors: readonly string[];
}

export class MethodRegistry {
  readonly #methods = new Map<string, MethodInfo>();
  readonly #validators = new Map<string, Validator>();

  declare(info: MethodInfo, validate?: Validator): void {
    const existing = this.#methods.get(info.name);
    if (existing) throw new Error(`RPC method "${info.name}" is already defined by plugin "${existing.plugin}"`);
    this.#methods.set(info.name, Object.freeze({ ...info }));
    if (validate !== undefined) this.#validators.set(info.name, validate);
  }

  get(name: string): MethodInfo | undefined {
    return this.#methods.get(name);
  }

  list(): MethodInfo[] {
    return [...this.#methods.values()];
  }

  /** The precompiled one, else compiled on first use: start-up pays nothing for methods nobody calls. */
  validator(info: MethodInfo): Validator | undefined {
    if (info.params === undefined) return undefined;
    let validate = this.#validators.get(info.name);
    if (validate === undefined) {
      validate = compileSchema(info.params);
      this.#validators.set(info.name, validate);
    }
    return validate;
  }
}

/** A hook has taps. (`isUsed()` also counts interceptors, and the kernel intercepts every hook.) */
export function hasTaps(hook: unknown): boolean {
  const taps = (hook as { taps?: unknown } | undefined)?.taps;
  return Array.isArray(taps) && taps.length > 0;
}

// On globalThis, not module scope: a plugin resolving a second copy of this module (the package
// built and from source side by side) must still declare into the registry the gateway reads.
const REGISTRIES = Symbol.for('moltbot.gateway.methodRegistries');
const registries: WeakMap<KernelHooks, MethodRegistry> = ((globalThis as Record<symbol, unknown>)[REGISTRIES] ??= new WeakMap()) as WeakMap<KernelHooks, MethodRegistry>;

export function methodRegistry(hooks: KernelHooks): MethodRegistry {
  let registry = registries.get(hooks);
  if (registry === undefined) {
    registry = new MethodRegistry();
    registries.set(hooks, registry);
  }
  return registry;
}

/** Declares an RPC method and taps the `rpc` HookMap for it; call it in `setup`. */
export function defineMethod<Params = any, Result = unknown>(
  ctx: Pick<PluginContext, 'name' | 'hooks'>,
  spec: MethodSpec<Params, Result>,
): void {
  if (typeof spec.name !== 'string' || !METHOD_PATTERN.test(spec.name) || spec.name === 'connect') {
    throw new TypeError(`defineMethod(): "${String(spec.name)}" is not a usable method name (letters, digits, ".", "_", "-"; not "connect")`);
  }
  if (!isScope(spec.scope)) throw new TypeError(`defineMethod(): method "${spec.name}" needs scope "read", "write" or "admin"`);
  if (typeof spec.handler !== 'function') throw new TypeError(`defineMethod(): method "${spec.name}" needs a handler function`);
  if (spec.validate !== undefined && (typeof spec.validate !== 'function' || spec.params === undefined)) {
    throw new TypeError(`defineMethod(): method "${spec.name}" has a \`validate\` ${typeof spec.validate !== 'function' ? 'that is not a function' : 'but no `params` schema it was generated from'}`);
  }
  const errors = declaredErrors(spec);
  methodRegistry(ctx.hooks).declare({
    name: spec.name,
    scope: spec.scope,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    sideEffects: spec.sideEffects ?? spec.scope !== 'read',
    plugin: ctx.name,
    ...(spec.params !== undefined ? { params: spec.params } : {}),
    errors,
  }, spec.validate);
  const handler = spec.handler;
  ctx.hooks.rpc.for(spec.name).tapPromise(ctx.name, async (params, context) => handler(params as Params, context));
}

/**
 * The codes of `spec.errors`, each registered with defineErrors() (a typo or a code nobody
 * registered fails here, in setup, not at the first failing call).
 */
function declaredErrors(spec: MethodSpec): readonly string[] {
  if (spec.errors === undefined) return Object.freeze([]);
  const codes: unknown[] = Array.isArray(spec.errors) ? spec.errors : Object.values(spec.errors);
  const registered = new Set(errorCatalogue().filter((entry) => entry.owner !== 'kernel').map((entry) => entry.code));
  for (const code of codes) {
    if (typeof code !== 'string' || !registered.has(code)) {
      throw new TypeError(`defineMethod(): method "${spec.name}" lists error ${JSON.stringify(code)} in \`errors\`, which no defineErrors() call registered; define it with defineErrors(owner, { CODE: { title, fix } }) and pass what that returns`);
    }
  }
  return Object.freeze([...new Set(codes as string[])]);
}
