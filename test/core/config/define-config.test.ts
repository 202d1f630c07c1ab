import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineConfig, type ConfigEnv, type ConfigFunction } from '../../../core/config/define-config.ts';

describe('defineConfig', () => {
  it('returns an object config unchanged, with its literal type', () => {
    const config = { gateway: { port: 18789 }, plugins: [['cache-redis', { url: 'redis://127.0.0.1:6379' }]] };
    const defined = defineConfig(config);
    expect(defined).toBe(config);
    expectTypeOf(defined.gateway.port).toEqualTypeOf<number>();
  });

  it('returns a promise config unchanged', async () => {
    const config = { agent: { model: 'anthropic/claude-3-5-sonnet-20241022' } };
    const promise = Promise.resolve(config);
    expect(defineConfig(promise)).toBe(promise);
    expect(await defineConfig(promise)).toBe(config);
  });

  it('returns a function config unchanged and types its argument as ConfigEnv', async () => {
    const fn = defineConfig(({ env, cwd, mode }) => ({ agent: { model: env.MODEL ?? 'fallback', cwd, mode } }));
    expectTypeOf(fn).toEqualTypeOf<ConfigFunction<{ agent: { model: string; cwd: string; mode: string } }>>();
    expectTypeOf(fn).parameter(0).toEqualTypeOf<ConfigEnv>();
    const env: ConfigEnv = { env: { MODEL: 'openai/gpt-4o' }, cwd: '/srv/bot', mode: 'test' };
    expect(await fn(env)).toEqual({ agent: { model: 'openai/gpt-4o', cwd: '/srv/bot', mode: 'test' } });
  });

  it('accepts async functions', async () => {
    const fn = defineConfig(async ({ mode }) => ({ logging: { level: mode === 'production' ? 'info' : 'debug' } }));
    expect(await fn({ env: {}, cwd: '/', mode: 'development' })).toEqual({ logging: { level: 'debug' } });
  });

  it('rejects values that are not configs at compile time', () => {
    // @ts-expect-error a config is an object, not a string
    defineConfig('gateway.port=1');
    // @ts-expect-error plugins is a list
    defineConfig({ plugins: 'cache-redis' });
  });
});
