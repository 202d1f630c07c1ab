/**
 * Typed references to services and plugin hooks (Backstage style). A ref carries its type, so
 * `ctx.use(cacheServiceRef)` is typed without casts or module augmentation, and its id, so the
 * kernel can check every plugin's `consumes` against the others' `provides` before any setup.
 */

export interface ServiceRef<T> {
  readonly kind: 'service';
  readonly id: string;
  readonly description?: string;
  /** Used when no plugin provides the service; built once per kernel, on first use. */
  readonly defaultFactory?: () => T;
  /** Phantom member that carries T; never set. */
  readonly $type?: (value: T) => T;
}

export interface OptionalServiceUse<T> {
  readonly ref: ServiceRef<T>;
  readonly optional: true;
}

export type ServiceUse = ServiceRef<any> | OptionalServiceUse<any>;

export interface HooksRef<H extends object> {
  readonly kind: 'hooks';
  /** The plugin that exposes the hooks. */
  readonly plugin: string;
  readonly $type?: (value: H) => H;
}

const ID = /^[a-z][a-z0-9]*([.-][a-z0-9]+)*$/;

export function createServiceRef<T>(options: { id: string; description?: string; defaultFactory?: () => T }): ServiceRef<T> {
  if (!ID.test(options.id)) throw new TypeError(`createServiceRef: id must be lower-case words joined by "." or "-" (got ${JSON.stringify(options.id)})`);
  return Object.freeze({ kind: 'service' as const, ...options });
}

/** Declares, in `consumes`, a service the plugin can do without (`ctx.useOptional(ref)`). */
export function optionalService<T>(ref: ServiceRef<T>): OptionalServiceUse<T> {
  return Object.freeze({ ref, optional: true as const });
}

export function createHooksRef<H extends object>(plugin: string): HooksRef<H> {
  return Object.freeze({ kind: 'hooks' as const, plugin });
}

export function isServiceRef(value: unknown): value is ServiceRef<unknown> {
  return typeof value === 'object' && value !== null && (value as ServiceRef<unknown>).kind === 'service' && typeof (value as ServiceRef<unknown>).id === 'string';
}

export function serviceIdOf(nameOrRef: string | ServiceRef<unknown>): string {
  return typeof nameOrRef === 'string' ? nameOrRef : nameOrRef.id;
}

export function useOf(use: ServiceUse): { id: string; optional: boolean; hasDefault: boolean } {
  const ref = 'ref' in use ? use.ref : use;
  return { id: ref.id, optional: 'ref' in use, hasDefault: ref.defaultFactory !== undefined };
}
