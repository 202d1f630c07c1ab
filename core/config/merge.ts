/**
 * Walking config trees. A config mixes plain data (JSON-like objects and arrays) with code:
 * plugin objects from `definePlugin()` are object literals too, but they carry functions and the
 * kernel relies on their identity. "Plain data" below is therefore a plain object none of whose
 * own values is a function, or an array; everything else is passed through by reference.
 */
import { MoltbotError } from '../errors.ts';
import { isPlainObject } from '../plain.ts';

export type ConfigObject = Record<string, unknown>;

export function isDataObject(value: unknown): value is ConfigObject {
  return isPlainObject(value) && !Object.values(value).some((item) => typeof item === 'function');
}

/** Config path of `key` under `parent`: `providers.anthropic.apiKey`, `plugins[2].options`, `channels["my bot"]`. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

/**
 * Defines an own data property. Plain assignment of a `__proto__` key would replace the object's
 * prototype instead (prototype pollution); copies made here never do that.
 */
export function setOwn(target: ConfigObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Copies arrays and data objects; code objects (plugins, class instances) keep their identity. */
export function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneData) as T;
  if (isDataObject(value)) return copyObject(value) as T;
  return value;
}

/**
 * A fresh top-level object even when `value` holds functions: the object handed to these helpers
 * is always treated as data, only nested code objects are kept by reference.
 */
export function copyObject(value: ConfigObject): ConfigObject {
  const copy: ConfigObject = {};
  for (const [key, item] of Object.entries(value)) setOwn(copy, key, cloneData(item));
  return copy;
}

/**
 * Deep merge for layered config (seed file under project file, plugin defaults under options):
 * objects merge key by key, arrays and scalars in `override` replace, and an `undefined` in
 * `override` keeps the base value so `port: process.env.X ? … : undefined` does not erase it.
 * Neither input is modified; the result shares no plain data with them.
 */
export function mergeConfig(base: ConfigObject, override: ConfigObject | undefined): ConfigObject {
  const result = copyObject(base);
  if (override === undefined) return result;
  for (const [key, value] of Object.entries(override)) {
    if (value === undefined) continue;
    const current = Object.hasOwn(result, key) ? result[key] : undefined;
    setOwn(result, key, isDataObject(current) && isDataObject(value) ? mergeConfig(current, value) : cloneData(value));
  }
  return result;
}

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * CF-10: such keys never mean configuration and become prototype pollution as soon as some code
 * merges the object by assignment. `file` names the source in the error (a path or a label such
 * as "the config passed to createKernel()").
 */
export function assertNoPrototypeKeys(value: unknown, file: string): void {
  const seen = new Set<object>();
  const visit = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, joinPath(path, index)));
      return;
    }
    if (!isPlainObject(node)) return;
    for (const key of Object.keys(node)) {
      const keyPath = joinPath(path, key);
      if (PROTOTYPE_KEYS.has(key)) {
        throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
          message: `Forbidden key "${key}" at ${keyPath} in ${file}: __proto__, constructor and prototype are never config keys`,
          path: keyPath,
          file,
          fix: `Remove the key "${key}" at ${keyPath}; such keys can rewrite object prototypes when merged.`,
        });
      }
      visit(node[key], keyPath);
    }
  };
  visit(value, '');
}

/**
 * Freezes arrays and data objects all the way down; nested code objects stay as they are. The
 * value passed in is frozen if it is a plain object, even one holding a callback (plugin options).
 */
export function deepFreeze<T>(value: T): T {
  const seen = new Set<object>();
  const visit = (node: unknown, root: boolean): void => {
    const freezable = Array.isArray(node) || (root ? isPlainObject(node) : isDataObject(node));
    if (!freezable || typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    for (const item of Object.values(node)) visit(item, false);
    Object.freeze(node);
  };
  visit(value, true);
  return value;
}
