import { describe, expect, it } from 'vitest';
import { assertNoPrototypeKeys, deepFreeze, mergeConfig } from '../../../core/config/merge.ts';
import { isMoltbotError, type MoltbotError } from '../../../core/errors.ts';

function thrown(fn: () => unknown): MoltbotError {
  try {
    fn();
  } catch (error) {
    if (isMoltbotError(error)) return error;
    throw error;
  }
  throw new Error('expected a MoltbotError');
}

describe('mergeConfig', () => {
  it('merges objects deeply; arrays and scalars in the override replace', () => {
    const base = {
      agent: { model: 'anthropic/claude-3-5-sonnet-20241022', fallbacks: ['openai/gpt-4o', 'ollama/llama3'], workspace: '~/clawd' },
      gateway: { port: 18789, auth: { mode: 'password', password: 'seed' } },
      cache: { tiers: ['memory', 'disk'] },
    };
    const override = {
      agent: { fallbacks: ['openai/gpt-4o-mini'] },
      gateway: { auth: { password: 'project' } },
      cache: { tiers: ['memory'] },
      metrics: { enabled: true },
    };
    expect(mergeConfig(base, override)).toEqual({
      agent: { model: 'anthropic/claude-3-5-sonnet-20241022', fallbacks: ['openai/gpt-4o-mini'], workspace: '~/clawd' },
      gateway: { port: 18789, auth: { mode: 'password', password: 'project' } },
      cache: { tiers: ['memory'] },
      metrics: { enabled: true },
    });
  });

  it('lets a scalar replace an object and an object replace a scalar', () => {
    expect(mergeConfig({ a: { b: 1 }, c: 'x' }, { a: 'flat', c: { d: 2 } })).toEqual({ a: 'flat', c: { d: 2 } });
  });

  it('keeps the base value for undefined, but null replaces', () => {
    expect(mergeConfig({ port: 18789, bind: 'loopback' }, { port: undefined, bind: null })).toEqual({ port: 18789, bind: null });
  });

  it('accepts a missing override and returns a copy', () => {
    const base = { gateway: { port: 1 } };
    const merged = mergeConfig(base, undefined);
    expect(merged).toEqual(base);
    expect(merged.gateway).not.toBe(base.gateway);
  });

  it('modifies neither input and shares no plain data with them', () => {
    const base = { gateway: { auth: { mode: 'password' } }, list: [{ a: 1 }] };
    const override = { gateway: { auth: { password: 'x' } }, extra: { deep: [1, 2] } };
    const snapshot = JSON.stringify([base, override]);
    const merged = mergeConfig(base, override) as { gateway: { auth: Record<string, unknown> }; list: { a: number }[]; extra: { deep: number[] } };
    merged.gateway.auth.mode = 'token';
    merged.list[0]!.a = 2;
    merged.extra.deep.push(3);
    expect(JSON.stringify([base, override])).toBe(snapshot);
  });

  it('keeps plugin objects and class instances by reference instead of merging them', () => {
    const pluginA = { name: 'a', version: '1.0.0', setup() {} };
    const pluginB = { name: 'b', version: '1.0.0', setup() {} };
    const date = new Date(0);
    const merged = mergeConfig({ plugins: [pluginA], slot: pluginA, when: date }, { slot: pluginB }) as Record<string, unknown>;
    expect((merged.plugins as unknown[])[0]).toBe(pluginA);
    expect(merged.slot).toBe(pluginB);
    expect(merged.when).toBe(date);
  });

  it('stores a __proto__ key as data and never changes a prototype', () => {
    const override = JSON.parse('{"__proto__": {"polluted": true}, "a": {"__proto__": {"polluted": true}}}') as Record<string, unknown>;
    const merged = mergeConfig({ a: { b: 1 } }, override);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(merged.a)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['a', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('assertNoPrototypeKeys (CF-10)', () => {
  it.each([
    ['{"__proto__": {"isAdmin": true}}', '__proto__'],
    ['{"gateway": {"constructor": {"prototype": {"x": 1}}}}', 'gateway.constructor'],
    ['{"plugins": [["cache-redis", {"prototype": 1}]]}', 'plugins[0][1].prototype'],
    ['{"channels": {"telegram": {"allowFrom": [{"__proto__": null}]}}}', 'channels.telegram.allowFrom[0].__proto__'],
  ])('rejects %s at %s', (json, path) => {
    const error = thrown(() => assertNoPrototypeKeys(JSON.parse(json), '/srv/clawdbot.json'));
    expect(error.code).toBe('MOLT_ERR_CONFIG_INVALID');
    expect(error.path).toBe(path);
    expect(error.file).toBe('/srv/clawdbot.json');
  });

  it('words the error', () => {
    const error = thrown(() => assertNoPrototypeKeys(JSON.parse('{"gateway": {"__proto__": {"port": 1}}}'), '/srv/moltbot.config.json'));
    expect(error.describe()).toMatchInlineSnapshot(`
      "MOLT_ERR_CONFIG_INVALID: Forbidden key "__proto__" at gateway.__proto__ in /srv/moltbot.config.json: __proto__, constructor and prototype are never config keys
        at file /srv/moltbot.config.json, path gateway.__proto__
        fix: Remove the key "__proto__" at gateway.__proto__; such keys can rewrite object prototypes when merged."
    `);
  });

  it('accepts ordinary configs, values named like the keys, and cycles', () => {
    const cyclic: Record<string, unknown> = { name: 'constructor', list: ['__proto__'] };
    cyclic.self = cyclic;
    expect(() => assertNoPrototypeKeys({ agent: { model: 'prototype' }, plugins: [], cyclic }, 'f')).not.toThrow();
  });

  it('does not look inside class instances', () => {
    class Options {
      constructor() {
        Object.defineProperty(this, 'prototype', { value: 1, enumerable: true });
      }
    }
    expect(() => assertNoPrototypeKeys({ plugins: [new Options()] }, 'f')).not.toThrow();
  });
});

describe('deepFreeze', () => {
  it('freezes nested objects and arrays so mutation throws in strict mode', () => {
    const config = deepFreeze({ gateway: { port: 18789, auth: { mode: 'password' } }, agent: { fallbacks: ['openai/gpt-4o'] } });
    expect(() => {
      (config.gateway as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config.gateway.auth as Record<string, unknown>).password = 'x';
    }).toThrow(TypeError);
    expect(() => {
      (config.agent.fallbacks as string[]).push('x');
    }).toThrow(TypeError);
    expect(() => {
      delete (config as Record<string, unknown>).gateway;
    }).toThrow(TypeError);
    expect(config.gateway.port).toBe(18789);
  });

  it('returns the same value', () => {
    const value = { a: 1 };
    expect(deepFreeze(value)).toBe(value);
  });

  it('leaves plugin objects, functions and class instances unfrozen', () => {
    const plugin = { name: 'inline', version: '1.0.0', state: { calls: 0 }, setup() {} };
    const callback = Object.assign(() => undefined, { tag: 'x' });
    const instance = new Map([['a', 1]]);
    const config = deepFreeze({ plugins: [plugin, ['cache-redis', { url: 'redis://r' }]], callback, instance });
    expect(Object.isFrozen(config.plugins)).toBe(true);
    expect(Object.isFrozen(config.plugins[1])).toBe(true);
    expect(Object.isFrozen((config.plugins[1] as unknown[])[1])).toBe(true);
    expect(Object.isFrozen(plugin)).toBe(false);
    expect(Object.isFrozen(plugin.state)).toBe(false);
    expect(Object.isFrozen(callback)).toBe(false);
    expect(Object.isFrozen(instance)).toBe(false);
  });

  it('freezes a root object that holds a callback (plugin options), but not the callback', () => {
    const onAlert = () => undefined;
    const options = deepFreeze({ url: 'https://hooks.example', onAlert, retry: { max: 3 } });
    expect(Object.isFrozen(options)).toBe(true);
    expect(Object.isFrozen(options.retry)).toBe(true);
    expect(Object.isFrozen(onAlert)).toBe(false);
  });

  it('handles cycles and leaves scalars alone', () => {
    const cyclic: Record<string, unknown> = { a: [1] };
    cyclic.self = cyclic;
    expect(Object.isFrozen(deepFreeze(cyclic))).toBe(true);
    expect(deepFreeze('text')).toBe('text');
    expect(deepFreeze(null)).toBe(null);
  });
});
