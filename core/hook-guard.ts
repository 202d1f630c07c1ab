/**
 * Kernel-side interceptors on every catalogue hook: only plugins in setup may tap, each tap is
 * attributed to the plugin that made it (errors then name plugin and hook), `start` taps run
 * under a per-plugin timeout and `close` taps run in reverse registration order.
 */
import { MoltbotError, isMoltbotError } from './errors.ts';
import { timeoutError, withTimeout } from './lifecycle.ts';
import tapable from 'tapable';

export interface TapPolicy {
  /** The plugin a new tap belongs to; throws when tapping is not allowed now. */
  ownerForTap(hook: string): string;
  startTimeoutMs(): number;
  closeEntryTimeoutMs(): number;
  /** `close` taps never stop the taps after them: their errors are collected here instead. */
  collectCloseError(error: Error): void;
}

export interface TapRecord {
  hook: string;
  name: string;
  plugin: string;
  before?: string | string[];
}

interface FullTap {
  type: 'sync' | 'async' | 'promise';
  name: string;
  fn: (...args: any[]) => any;
  stage?: number;
  before?: string | string[];
}

interface Interceptable {
  name?: string;
  intercept(interceptor: { register?: (tap: FullTap) => FullTap }): void;
}

export function hookError(error: unknown, plugin: string, hook: string): Error {
  if (isMoltbotError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new MoltbotError('MOLT_ERR_HOOK_FAILED', {
    message: `Plugin "${plugin}" failed in hook "${hook}": ${message}`,
    plugin,
    hook,
    cause: error,
  });
}

/** Every close tap runs under its own timeout; a failure is collected and the next tap still runs. */
function wrapClose(tap: FullTap, plugin: string, policy: TapPolicy): FullTap['fn'] {
  const run = (args: unknown[]) => new Promise<unknown>((resolve, reject) => {
    if (tap.type === 'async') tap.fn(...args, (error?: unknown) => (error ? reject(error) : resolve(undefined)));
    else resolve(tap.fn(...args));
  });
  const guarded = async (args: unknown[]) => {
    const ms = policy.closeEntryTimeoutMs();
    try {
      await withTimeout(run(args), ms, () => timeoutError('MOLT_ERR_PLUGIN_TIMEOUT', plugin, 'its close hook', ms, 'close'));
    } catch (error) {
      policy.collectCloseError(hookError(error, plugin, 'close'));
    }
  };
  if (tap.type === 'async') {
    return (...args) => {
      const callback = args.pop() as () => void;
      void guarded(args).then(() => callback());
    };
  }
  if (tap.type === 'promise') return (...args) => guarded(args);
  // A sync tap on the async close hook: run it now, collect its error, never throw.
  return (...args) => {
    try {
      tap.fn(...args);
    } catch (error) {
      policy.collectCloseError(hookError(error, plugin, 'close'));
    }
  };
}

function wrap(tap: FullTap, plugin: string, hook: string, policy: TapPolicy): FullTap['fn'] {
  if (hook === 'close') return wrapClose(tap, plugin, policy);
  const fn = tap.fn;
  if (tap.type === 'sync') {
    return (...args) => {
      try {
        return fn(...args);
      } catch (error) {
        throw hookError(error, plugin, hook);
      }
    };
  }
  if (tap.type === 'promise') {
    return (...args) => {
      let result: Promise<unknown>;
      try {
        result = Promise.resolve(fn(...args));
      } catch (error) {
        return Promise.reject(hookError(error, plugin, hook));
      }
      if (hook === 'start') {
        const ms = policy.startTimeoutMs();
        result = withTimeout(result, ms, () => timeoutError('MOLT_ERR_PLUGIN_TIMEOUT', plugin, 'its start hook', ms, hook));
      }
      return result.catch((error) => {
        throw hookError(error, plugin, hook);
      });
    };
  }
  return (...args) => {
    const callback = args.pop() as (error?: unknown, result?: unknown) => void;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const done = (error?: unknown, result?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      callback(error ? hookError(error, plugin, hook) : error, result);
    };
    if (hook === 'start') {
      const ms = policy.startTimeoutMs();
      timer = setTimeout(() => done(timeoutError('MOLT_ERR_PLUGIN_TIMEOUT', plugin, 'its start hook', ms, hook)), ms);
    }
    try {
      fn(...args, done);
    } catch (error) {
      done(error);
    }
  };
}

/**
 * Installs the interceptors on every hook of `hooks` (HookMaps included: each hook they create
 * is guarded too). `prefix` names plugin-owned hooks (`cache.stores`); `records` collects taps.
 */
export function guardHooks(hooks: Readonly<Record<string, unknown>>, policy: TapPolicy, records: TapRecord[] = [], prefix = ''): TapRecord[] {
  let closeSequence = 0;
  const guard = (hook: Interceptable, hookName: string) => {
    hook.intercept({
      register(tap) {
        const plugin = policy.ownerForTap(hookName);
        const record: TapRecord = { hook: hookName, name: tap.name, plugin };
        if (tap.before !== undefined) record.before = tap.before;
        records.push(record);
        const guarded: FullTap = { ...tap, fn: wrap(tap, plugin, hookName, policy) };
        // tapable has no reverse order: a falling stage makes later taps run first.
        if (hookName === 'close' && tap.stage === undefined) guarded.stage = -++closeSequence;
        return guarded;
      },
    });
  };
  for (const [key, hook] of Object.entries(hooks)) {
    const name = `${prefix}${key}`;
    if (hook instanceof tapable.HookMap) {
      // tapable hands each HookMap interceptor the hook the map just created for `mapKey`.
      hook.intercept({
        factory: (mapKey, created) => {
          guard(created as unknown as Interceptable, `${name}:${mapKey}`);
          return created as never;
        },
      });
    } else if (typeof (hook as Interceptable | undefined)?.intercept === 'function') {
      guard(hook as Interceptable, name);
    } else {
      throw new MoltbotError('MOLT_ERR_PLUGIN_INVALID', { message: `"${name}" is not a tapable hook` });
    }
  }
  return records;
}

/** tapable silently ignores a `before` naming an unknown tap; at boot that is an error. */
export function checkBeforeNames(records: readonly TapRecord[]): void {
  for (const record of records) {
    if (record.before === undefined) continue;
    const names = new Set(records.filter((r) => r.hook === record.hook).map((r) => r.name));
    for (const target of [record.before].flat()) {
      if (!names.has(target)) {
        throw new MoltbotError('MOLT_ERR_HOOK_BEFORE_UNKNOWN', {
          message: `Tap "${record.name}" on hook "${record.hook}" asks to run before "${target}", which has no tap on that hook`,
          plugin: record.plugin,
          hook: record.hook,
        });
      }
    }
  }
}
