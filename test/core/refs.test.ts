import { SyncHook } from 'tapable';
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../../app/testing.ts';
import { createHooksRef, createServiceRef, definePlugin, optionalService } from '../../app/index.ts';

interface Clock { now(): number }
const clockRef = createServiceRef<Clock>({ id: 'test.clock' });

const provider = definePlugin({
  name: 'clock', version: '1.0.0', provides: [clockRef],
  setup(ctx) { ctx.provide(clockRef, { now: () => 42 }); },
});

async function rejection(promise: Promise<unknown>): Promise<any> {
  try { await promise; } catch (error) { return error; }
  throw new Error('expected a rejection');
}

describe('service refs', () => {
  it('a consumer gets the typed service, and is set up after its provider whatever the order', async () => {
    const order: string[] = [];
    let seen = 0;
    const consumer = definePlugin({
      name: 'reader', version: '1.0.0', consumes: [clockRef],
      setup(ctx) { order.push(ctx.name); seen = ctx.use(clockRef).now(); },
    });
    const tracked = { ...provider, setup: (ctx: any, o: any) => { order.push('clock'); return provider.setup(ctx, o); } };
    await createTestKernel({ config: { preset: 'none' }, plugins: [consumer, tracked] });
    expect(order).toEqual(['clock', 'reader']);
    expect(seen).toBe(42);
  });

  it('a consumed service nobody provides fails before any setup, naming both', async () => {
    let setUp = false;
    const consumer = definePlugin({ name: 'reader', version: '1.0.0', provides: [], consumes: [clockRef], setup() { setUp = true; } });
    const error = await rejection(createTestKernel({ config: { preset: 'none' }, plugins: [consumer] }));
    expect(error.code).toBe('MOLT_ERR_SERVICE_MISSING');
    expect(error.message).toContain('"reader" consumes service "test.clock"');
    expect(error.fix).toContain('optionalService');
    expect(setUp).toBe(false);
  });

  it('the check holds beside plugins that declare no `provides` at all (the first-party preset)', async () => {
    const consumer = definePlugin({ name: 'reader', version: '1.0.0', consumes: [clockRef], setup() {} });
    const error = await rejection(createTestKernel({ plugins: [consumer] }));
    expect(error.code).toBe('MOLT_ERR_SERVICE_MISSING');
    expect(error.message).toContain('"reader" consumes service "test.clock"');
  });

  it('a default handed out before the real provider came says so, instead of a duplicate', async () => {
    const fallbackRef = createServiceRef<Clock>({ id: 'test.early', defaultFactory: () => ({ now: () => 0 }) });
    const early = definePlugin({ name: 'early', version: '1.0.0', setup(ctx) { ctx.use(fallbackRef); } });
    const late = definePlugin({ name: 'late', version: '1.0.0', setup(ctx) { ctx.provide(fallbackRef, { now: () => 1 }); } });
    const error = await rejection(createTestKernel({ config: { preset: 'none' }, plugins: [early, late] }));
    expect(error.message).toContain('the default of service "test.early" was already handed out to "early"');
    expect(error.fix).toContain('consumes');
  });

  it('an optional service is undefined when absent; a ref default stands in for a provider', async () => {
    const fallbackRef = createServiceRef<Clock>({ id: 'test.fallback', defaultFactory: () => ({ now: () => 7 }) });
    const seen: unknown[] = [];
    const consumer = definePlugin({
      name: 'reader', version: '1.0.0', provides: [], consumes: [optionalService(clockRef), fallbackRef],
      setup(ctx) { seen.push(ctx.useOptional(clockRef), ctx.use(fallbackRef).now()); },
    });
    await createTestKernel({ config: { preset: 'none' }, plugins: [consumer] });
    expect(seen).toEqual([undefined, 7]);
  });

  it('providing an undeclared service, or not providing a declared one, is refused', async () => {
    const otherRef = createServiceRef<Clock>({ id: 'test.other' });
    const sneaky = definePlugin({ name: 'sneaky', version: '1.0.0', provides: [clockRef], setup(ctx) { ctx.provide(clockRef, { now: () => 1 }); ctx.provide(otherRef, { now: () => 2 }); } });
    const undeclared = await rejection(createTestKernel({ config: { preset: 'none' }, plugins: [sneaky] }));
    expect(undeclared.code).toBe('MOLT_ERR_SERVICE_UNDECLARED');
    const lazy = definePlugin({ name: 'lazy', version: '1.0.0', provides: [clockRef], setup() {} });
    const missing = await rejection(createTestKernel({ config: { preset: 'none' }, plugins: [lazy] }));
    expect(missing.code).toBe('MOLT_ERR_SERVICE_MISSING');
    expect(missing.message).toContain('"lazy" declares `provides` "test.clock" but did not provide it');
  });

  it('hooks by ref are typed and reach the exposing plugin', async () => {
    type CounterHooks = { counted: SyncHook<[number]> };
    const counterHooks = createHooksRef<CounterHooks>('counter');
    let fire: (n: number) => void = () => {};
    const counter = definePlugin({ name: 'counter', version: '1.0.0', setup(ctx) {
      const hooks = ctx.exposeHooks<CounterHooks>({ counted: new SyncHook(['n']) });
      fire = (n) => hooks.counted.call(n);
    } });
    const seen: number[] = [];
    const reader = definePlugin({ name: 'reader', version: '1.0.0', dependencies: ['counter'], setup(ctx) {
      ctx.hooksOf(counterHooks).counted.tap(ctx.name, (n) => void seen.push(n));
    } });
    await createTestKernel({ config: { preset: 'none' }, plugins: [reader, counter] });
    fire(3);
    expect(seen).toEqual([3]);
  });

  it('refuses ids that are not lower-case dotted words and consumes entries that are not refs', () => {
    expect(() => createServiceRef({ id: 'Bad Id' })).toThrow(/lower-case/);
    expect(() => definePlugin({ name: 'x', version: '1.0.0', consumes: ['cache' as never], setup() {} })).toThrow(/"consumes" must be an array of service refs/);
  });
});
