import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineConfig, definePlugin, type PluginContext, type PluginDefinition } from '../../app/index.ts';

describe('definePlugin', () => {
  it('returns the definition unchanged', () => {
    const definition = { name: 'x', version: '1.0.0', setup() {} };
    expect(definePlugin(definition)).toBe(definition);
  });

  it.each([
    [{ name: 'Bad Name', version: '1.0.0', setup() {} }, 'definePlugin(): "name" must be a kebab-case string (got "Bad Name")'],
    [{ name: 'x', version: 'one', setup() {} }, 'definePlugin(): plugin "x": "version" must be a semver version such as "1.0.0" (got "one")'],
    [{ name: 'x', version: '1.0.0', kernel: 'latest!', setup() {} }, 'definePlugin(): plugin "x": "kernel" must be a semver range such as "^1.0.0" (got "latest!")'],
    [{ name: 'x', version: '1.0.0' }, 'definePlugin(): plugin "x": "setup" must be a function'],
    [{ name: 'x', version: '1.0.0', dependencies: 'a', setup() {} }, 'definePlugin(): plugin "x": "dependencies" must be an array of plugin names'],
  ])('rejects %j', (definition, message) => {
    expect(() => definePlugin(definition as never)).toThrow(message);
  });

  it('types options from the generic and ctx from the contract', () => {
    const plugin = definePlugin<{ url: string; ttlMs: number }>({
      name: 'typed', version: '1.0.0', defaults: { ttlMs: 5 },
      setup(ctx, options) {
        expectTypeOf(ctx).toEqualTypeOf<PluginContext>();
        expectTypeOf(options).toEqualTypeOf<Readonly<{ url: string; ttlMs: number }>>();
        expectTypeOf(ctx.onClose).parameter(0).toEqualTypeOf<() => unknown>();
      },
    });
    expectTypeOf(plugin).toEqualTypeOf<PluginDefinition<{ url: string; ttlMs: number }>>();
    // @ts-expect-error defaults must match the options type
    definePlugin<{ url: string }>({ name: 'typed', version: '1.0.0', defaults: { url: 5 }, setup() {} });
  });
});

describe('defineConfig', () => {
  it('is an identity function for objects, promises and functions of env', async () => {
    const object = { gateway: { port: 18789 } };
    expect(defineConfig(object)).toBe(object);
    const fn = defineConfig(({ env }) => ({ agent: { model: env.MODEL ?? 'anthropic/claude-3-5-sonnet-20241022' } }));
    expect(typeof fn).toBe('function');
    const promise = defineConfig(Promise.resolve(object));
    expect(await promise).toBe(object);
  });
});
