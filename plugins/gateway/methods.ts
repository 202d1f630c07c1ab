/**
 * RPC methods. A method is a tap on the kernel's `rpc` HookMap plus a declaration the gateway
 * needs before it lets a request through: the scope it requires and the JSON Schema of its
 * params. `defineMethod` does both, so plugins never tap `rpc` by hand:
 *
 *   defineMethod(ctx, { name: 'sessions.list', scope: 'read', params: {...}, handler: (params, rpc) => ... });
 *
 * Declarations live in a registry per kernel (keyed by its hooks object), so a plugin can
 * declare methods whether or not the gateway plugin is set up yet.
 */
import type { KernelHooks } from '../../sdk/core/index.ts';
import type { RpcContext, Scope } from '../../sdk/core/index.ts';
import type { PluginContext } from '../../sdk/core/index.ts';
import { compileSchema, type Validator } from '../../sdk/core/index.ts';
import { METHOD_PATTERN } from './frames.ts';
import { isScope } from './scopes.ts';

export interface MethodSpec<Params = any, Result = unknown> {
  /** e.g. `sessions.list`: letters, digits, `.`, `_`, `-`; at most 64 characters. */
  name: string;
  /** Required scope; the server grants scopes from the credential. */
  scope: Scope;
  description?: string;
  /** JSON Schema of `params` (draft-07); absent: params are not checked. */
  params?: object;
  /** Changes state: honours an idempotency key. Default: true for write and admin methods. */
  sideEffects?: boolean;
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
}

export class MethodRegistry {
  readonly #methods = new Map<string, MethodInfo>();
  readonly #validators = new Map<string, Validator>();

  declare(info: MethodInfo): void {
    const existing = this.#methods.get(info.name);
    if (existing) throw new Error(`RPC method "${info.name}" is already defined by plugin "${existing.plugin}"`);
    this.#methods.set(info.name, Object.freeze({ ...info }));
  }

  get(name: string): MethodInfo | undefined {
    return this.#methods.get(name);
  }

  list(): MethodInfo[] {
    return [...this.#methods.values()];
  }

  /** Compiled on first use: start-up pays nothing for methods nobody calls. */
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

const registries = new WeakMap<KernelHooks, MethodRegistry>();

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
  methodRegistry(ctx.hooks).declare({
    name: spec.name,
    scope: spec.scope,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    sideEffects: spec.sideEffects ?? spec.scope !== 'read',
    plugin: ctx.name,
    ...(spec.params !== undefined ? { params: spec.params } : {}),
  });
  const handler = spec.handler;
  ctx.hooks.rpc.for(spec.name).tapPromise(ctx.name, async (params, context) => handler(params as Params, context));
}
