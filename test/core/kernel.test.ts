import { describe, expect, it, vi } from 'vitest';
import { createTestKernel } from '../../app/testing.ts';
import { definePlugin, isMoltbotError, type PluginDefinition } from '../../app/index.ts';

const noop = (name: string, extra: Partial<PluginDefinition> = {}) =>
  definePlugin({ name, version: '1.0.0', setup() {}, ...extra });

async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('lifecycle', () => {
  it('walks created → registering → starting → ready → closing → closed and runs hooks in order', async () => {
    const events: string[] = [];
    const kernel = await createTestKernel({ start: false });
    const phases: string[] = [kernel.phase];
    kernel.register(definePlugin({
      name: 'recorder', version: '1.0.0',
      setup(ctx) {
        phases.push(kernel.phase);
        ctx.hooks.init.tap(ctx.name, () => events.push('init'));
        ctx.hooks.start.tapPromise(ctx.name, async () => { events.push('start'); phases.push(kernel.phase); });
        ctx.hooks.ready.tap(ctx.name, () => events.push('ready'));
        ctx.hooks.beforeClose.tapPromise(ctx.name, async () => { events.push('beforeClose'); phases.push(kernel.phase); });
        ctx.hooks.close.tapPromise(ctx.name, async () => { events.push('close'); });
        ctx.onClose(() => { events.push('onClose'); });
      },
    }));
    await kernel.start();
    phases.push(kernel.phase);
    await kernel.close();
    phases.push(kernel.phase);
    expect(events).toEqual(['init', 'start', 'ready', 'beforeClose', 'close', 'onClose']);
    expect(phases).toEqual(['created', 'registering', 'starting', 'ready', 'closing', 'closed']);
  });

  it('closes plugins in reverse order: close taps and onClose handlers', async () => {
    const closed: string[] = [];
    const plugin = (name: string, dependencies: string[] = []) => definePlugin({
      name, version: '1.0.0', dependencies,
      setup(ctx) {
        ctx.hooks.close.tap(ctx.name, () => { closed.push(`${name}:hook`); });
        ctx.onClose(() => { closed.push(`${name}:first-handler`); });
        ctx.onClose(() => { closed.push(`${name}:second-handler`); });
      },
    });
    const kernel = await createTestKernel({ plugins: [plugin('c', ['b']), plugin('a'), plugin('b', ['a'])] });
    await kernel.close();
    expect(closed).toEqual([
      'c:hook', 'b:hook', 'a:hook',
      'c:second-handler', 'c:first-handler', 'b:second-handler', 'b:first-handler', 'a:second-handler', 'a:first-handler',
    ]);
  });

  it('close is one memoized promise; close before start closes at once', async () => {
    const kernel = await createTestKernel();
    const first = kernel.close();
    expect(kernel.close()).toBe(first);
    await first;
    const fresh = await createTestKernel({ start: false });
    await fresh.close();
    expect(fresh.phase).toBe('closed');
  });

  it('collects every close failure into an AggregateError after running all handlers', async () => {
    const ran: string[] = [];
    const kernel = await createTestKernel({
      autoClose: false,
      plugins: [definePlugin({
        name: 'flaky', version: '1.0.0',
        setup(ctx) {
          ctx.hooks.close.tapPromise(ctx.name, async () => { throw new Error('hook boom'); });
          ctx.onClose(() => { ran.push('last'); });
          ctx.onClose(() => { throw new Error('handler boom'); });
          ctx.onClose(() => { ran.push('first'); });
        },
      })],
    });
    const error = await rejection(kernel.close());
    expect(error.code).toBe('MOLT_ERR_CLOSE_FAILED');
    expect(error.cause).toBeInstanceOf(AggregateError);
    expect(error.cause.errors.map((e: Error) => e.message)).toEqual([
      'Plugin "flaky" failed in hook "close": hook boom',
      'Plugin "flaky" failed while closing: handler boom',
    ]);
    expect(ran).toEqual(['first', 'last']);
    expect(kernel.phase).toBe('closed');
  });

  it('supports await using', async () => {
    let closed = false;
    {
      await using kernel = await createTestKernel({ autoClose: false });
      kernel.hooks.close; // the kernel is in scope here
      expect(kernel.phase).toBe('ready');
      kernel.signal.addEventListener('abort', () => { closed = true; });
    }
    expect(closed).toBe(true);
  });

  it('guards methods by phase', async () => {
    const kernel = await createTestKernel();
    expect(() => kernel.register(noop('late'))).toThrowErrorMatchingInlineSnapshot(
      `[MoltbotError: kernel.register() is not allowed while the kernel is "ready" (allowed: created)]`,
    );
    await kernel.close();
    const error = await rejection(kernel.start());
    expect(error.code).toBe('MOLT_ERR_KERNEL_PHASE');
  });

  it('aborts ctx.signal when close begins and drains tracked work first', async () => {
    const order: string[] = [];
    let release!: () => void;
    const kernel = await createTestKernel({
      plugins: [definePlugin({
        name: 'worker', version: '1.0.0',
        setup(ctx) {
          ctx.signal.addEventListener('abort', () => order.push('aborted'));
          ctx.track(new Promise<void>((resolve) => { release = resolve; }).then(() => { order.push('work done'); }));
          ctx.onClose(() => { order.push('closed'); });
        },
      })],
    });
    const closing = kernel.close();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual(['aborted']);
    release();
    await closing;
    expect(order).toEqual(['aborted', 'work done', 'closed']);
  });

  it('a failed start closes what was already set up and leaves the kernel failed', async () => {
    const closed: string[] = [];
    const kernel = await createTestKernel({
      start: false,
      plugins: [
        definePlugin({ name: 'ok', version: '1.0.0', setup(ctx) { ctx.onClose(() => { closed.push('ok'); }); } }),
        definePlugin({ name: 'broken', version: '1.0.0', dependencies: ['ok'], setup(ctx) {
          ctx.hooks.start.tapPromise(ctx.name, async () => { throw new Error('cannot bind'); });
        } }),
      ],
    });
    const error = await rejection(kernel.start());
    expect(error).toMatchObject({ code: 'MOLT_ERR_HOOK_FAILED', plugin: 'broken', hook: 'start' });
    expect(error.message).toBe('Plugin "broken" failed in hook "start": cannot bind');
    expect((error.cause as Error).message).toBe('cannot bind');
    expect(closed).toEqual(['ok']);
    expect(kernel.phase).toBe('failed');
    await kernel.close();
  });
});

describe('timeouts name the plugin', () => {
  it('setup that never finishes', async () => {
    vi.useFakeTimers();
    try {
      const kernel = await createTestKernel({
        start: false,
        timeouts: { setup: 1_000 },
        plugins: [definePlugin({ name: 'hangs', version: '1.0.0', setup: () => new Promise(() => {}) })],
      });
      const starting = rejection(kernel.start());
      await vi.advanceTimersByTimeAsync(1_001);
      const error = await starting;
      expect(error.code).toBe('MOLT_ERR_PLUGIN_TIMEOUT');
      expect(error.message).toBe('Plugin "hangs" did not finish setup within 1000 ms');
    } finally {
      vi.useRealTimers();
    }
  });

  it('start tap that never finishes', async () => {
    vi.useFakeTimers();
    try {
      const kernel = await createTestKernel({
        start: false,
        timeouts: { start: 500 },
        plugins: [definePlugin({ name: 'slow-start', version: '1.0.0', setup(ctx) {
          ctx.hooks.start.tapPromise(ctx.name, () => new Promise(() => {}));
        } })],
      });
      const starting = rejection(kernel.start());
      await vi.advanceTimersByTimeAsync(501);
      const error = await starting;
      expect(error).toMatchObject({ code: 'MOLT_ERR_PLUGIN_TIMEOUT', plugin: 'slow-start', hook: 'start' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('onClose handler that never finishes does not block the others', async () => {
    vi.useFakeTimers();
    try {
      const closed: string[] = [];
      const kernel = await createTestKernel({
        autoClose: false,
        timeouts: { closeEntry: 200 },
        plugins: [definePlugin({ name: 'stuck', version: '1.0.0', setup(ctx) {
          ctx.onClose(() => { closed.push('earlier handler'); });
          ctx.onClose(() => new Promise(() => {}));
        } })],
      });
      const closing = rejection(kernel.close());
      await vi.advanceTimersByTimeAsync(201);
      const error = await closing;
      expect(error.cause.errors[0].message).toBe('Plugin "stuck" did not finish an onClose handler within 200 ms');
      expect(closed).toEqual(['earlier handler']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('hooks', () => {
  it('errors thrown in a tap carry code, plugin, hook and cause', async () => {
    const cause = new Error('policy crashed');
    const kernel = await createTestKernel({
      plugins: [definePlugin({ name: 'policy', version: '1.0.0', setup(ctx) {
        ctx.hooks.messageReceived.tapPromise(ctx.name, async () => { throw cause; });
      } })],
    });
    const error = await rejection(kernel.hooks.messageReceived.promise({
      channel: 'webchat', sender: 'u1', chatType: 'dm', text: 'hi', receivedAt: Date.now(),
    }));
    expect(isMoltbotError(error, 'MOLT_ERR_HOOK_FAILED')).toBe(true);
    expect(error).toMatchObject({ plugin: 'policy', hook: 'messageReceived', cause });
  });

  it('sync taps are attributed too, also on HookMap hooks', async () => {
    const kernel = await createTestKernel({
      plugins: [definePlugin({ name: 'rpc-owner', version: '1.0.0', setup(ctx) {
        ctx.hooks.rpc.for('ping').tap(ctx.name, () => { throw new TypeError('bad'); });
      } })],
    });
    const error = await rejection(kernel.hooks.rpc.get('ping')!.promise({}, {} as never));
    expect(error).toMatchObject({ code: 'MOLT_ERR_HOOK_FAILED', plugin: 'rpc-owner', hook: 'rpc:ping' });
  });

  it('refuses taps after setup', async () => {
    let hooks: any;
    const kernel = await createTestKernel({
      plugins: [definePlugin({ name: 'late-tapper', version: '1.0.0', setup(ctx) { hooks = ctx.hooks; } })],
    });
    expect(() => hooks.alert.tap('late-tapper', () => {})).toThrowErrorMatchingInlineSnapshot(
      `[MoltbotError: Hook "alert" was tapped while the kernel is "ready"; taps are only accepted during plugin setup]`,
    );
    expect(kernel.phase).toBe('ready');
  });

  it('a `before` naming an unknown tap fails the boot (tapable would ignore it)', async () => {
    const error = await rejection(createTestKernel({
      plugins: [definePlugin({ name: 'orderer', version: '1.0.0', setup(ctx) {
        ctx.hooks.init.tap({ name: ctx.name, before: 'metrics' }, () => {});
      } })],
    }));
    expect(error.code).toBe('MOLT_ERR_HOOK_BEFORE_UNKNOWN');
    expect(error.message).toBe('Tap "orderer" on hook "init" asks to run before "metrics", which has no tap on that hook');
  });

  it('configResolved can derive config; the result is validated again and frozen', async () => {
    const kernel = await createTestKernel({
      plugins: [definePlugin({ name: 'port-picker', version: '1.0.0', setup(ctx) {
        ctx.hooks.configResolved.tap(ctx.name, (config) => ({ ...config, gateway: { port: 20000 } }));
      } })],
    });
    expect(kernel.config.gateway.port).toBe(20000);
    expect(Object.isFrozen(kernel.config.gateway)).toBe(true);
    const bad = await rejection(createTestKernel({
      plugins: [definePlugin({ name: 'bad-picker', version: '1.0.0', setup(ctx) {
        ctx.hooks.configResolved.tap(ctx.name, (config) => ({ ...config, gateway: { port: 'x' } }));
      } })],
    }));
    expect(bad.code).toBe('MOLT_ERR_CONFIG_INVALID');
  });
});

describe('services', () => {
  it('provide/use across plugins and from the host', async () => {
    const kernel = await createTestKernel({
      plugins: [
        definePlugin({ name: 'consumer', version: '1.0.0', dependencies: ['clock'], setup(ctx) {
          const clock = ctx.use('clock') as { now(): number };
          ctx.provide('greeting', `hello at ${clock.now()}`);
        } }),
        definePlugin({ name: 'clock', version: '1.0.0', setup(ctx) { ctx.provide('clock', { now: () => 42 }); } }),
      ],
    });
    expect(kernel.use('greeting')).toBe('hello at 42');
    expect(() => kernel.use('nope')).toThrowErrorMatchingInlineSnapshot(
      `[MoltbotError: The host uses service "nope", which no plugin provides (provided: clock, greeting)]`,
    );
  });

  it('a second provider is an error naming both plugins', async () => {
    const provider = (name: string) => definePlugin({ name, version: '1.0.0', setup(ctx) { ctx.provide('cache', {}); } });
    const error = await rejection(createTestKernel({ plugins: [provider('cache-a'), provider('cache-b')] }));
    expect(error.message).toBe('Service "cache" is provided by both "cache-a" and "cache-b"');
  });
});

describe('options', () => {
  const schema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      url: { type: 'string', pattern: '^rediss?://', description: 'Connection URL of the Redis server.' },
      ttlMs: { type: 'integer', minimum: 1, description: 'Default time to live in ms.' },
    },
    required: ['url'],
  };
  const cachePlugin = (seen: unknown[]) => definePlugin<{ url: string; ttlMs: number }>({
    name: 'cache-redis', version: '1.0.0', schema, defaults: { ttlMs: 60_000 },
    setup(_ctx, options) { seen.push(options); },
  });

  it('merges defaults under the options, validates and freezes them', async () => {
    const seen: any[] = [];
    await createTestKernel({ config: { plugins: [] }, plugins: [[cachePlugin(seen), { url: 'redis://127.0.0.1:6379' }]] });
    expect(seen[0]).toEqual({ url: 'redis://127.0.0.1:6379', ttlMs: 60_000 });
    expect(Object.isFrozen(seen[0])).toBe(true);
  });

  it('rejects invalid options before any setup runs, with the path and the schema description', async () => {
    const seen: unknown[] = [];
    const before: string[] = [];
    const error = await rejection(createTestKernel({
      plugins: [
        definePlugin({ name: 'first', version: '1.0.0', setup() { before.push('first'); } }),
        [cachePlugin(seen), { url: 'http://nope', ttlMs: 0, extra: true }],
      ],
    }));
    expect(error.code).toBe('MOLT_ERR_PLUGIN_OPTIONS_INVALID');
    expect(error.exitCode).toBe(78);
    expect(error.message).toMatchInlineSnapshot(`
      "Invalid options for plugin "cache-redis" (register() #2)
       - options.extra is not a known key; allowed keys: "url", "ttlMs"
       - options.url must match pattern "^rediss?://" (got "http://nope") -> Connection URL of the Redis server.
       - options.ttlMs must be >= 1 (got 0) -> Default time to live in ms."
    `);
    expect(before).toEqual([]);
    expect(seen).toEqual([]);
  });
});

describe('plugin-owned hooks', () => {
  it('exposeHooks/hooksOf: guarded like the catalogue, errors attributed to the tapping plugin', async () => {
    const { SyncWaterfallHook } = (await import('tapable')).default;
    let owned: { stores: InstanceType<typeof SyncWaterfallHook<[string[]]>> } | undefined;
    const kernel = await createTestKernel({
      plugins: [
        definePlugin({ name: 'store-a', version: '1.0.0', dependencies: ['cache'], setup(ctx) {
          const hooks = ctx.hooksOf('cache') as NonNullable<typeof owned>;
          hooks.stores.tap(ctx.name, (list) => [...list, 'a']);
        } }),
        definePlugin({ name: 'cache', version: '1.0.0', setup(ctx) {
          owned = ctx.exposeHooks({ stores: new SyncWaterfallHook<[string[]]>(['stores']) });
        } }),
        definePlugin({ name: 'store-bad', version: '1.0.0', dependencies: ['cache'], setup(ctx) {
          (ctx.hooksOf('cache') as NonNullable<typeof owned>).stores.tap(ctx.name, () => { throw new Error('no store'); });
        } }),
      ],
    });
    expect(kernel.phase).toBe('ready');
    expect(() => owned!.stores.call([])).toThrow('Plugin "store-bad" failed in hook "cache.stores": no store');
    expect(() => owned!.stores.tap('late', (l) => l)).toThrow('Hook "cache.stores" was tapped while the kernel is "ready"');
  });

  it('hooksOf a plugin that is not registered names both and the fix', async () => {
    const error = await rejection(createTestKernel({
      plugins: [definePlugin({ name: 'needs-cache', version: '1.0.0', setup(ctx) { ctx.hooksOf('cache'); } })],
    }));
    expect(error.message).toBe('Plugin "needs-cache" asks for the hooks of "cache", which is not registered');
  });
});

describe('pluginPolicy', () => {
  it('a denied plugin stops the start before any setup runs', async () => {
    const ran: string[] = [];
    const error = await rejection(createTestKernel({
      config: { pluginPolicy: { deny: ['forbidden'] } },
      plugins: [
        definePlugin({ name: 'allowed', version: '1.0.0', setup() { ran.push('allowed'); } }),
        definePlugin({ name: 'forbidden', version: '1.0.0', setup() { ran.push('forbidden'); } }),
      ],
    }));
    expect(error).toMatchObject({ code: 'MOLT_ERR_PLUGIN_DENIED', exitCode: 78 });
    expect(error.message).toContain('pluginPolicy.deny ("forbidden")');
    expect(ran).toEqual([]);
  });
});

describe('log destinations', () => {
  it('a plugin destination gets every redacted line until it detaches; a throwing one breaks nothing', async () => {
    const received: string[] = [];
    let detach!: () => void;
    const kernel = await createTestKernel({
      plugins: [definePlugin({ name: 'log-sink', version: '1.0.0', setup(ctx) {
        detach = ctx.addLogDestination({ write: (line) => { received.push(line); } });
        ctx.addLogDestination({ write: () => { throw new Error('disk full'); } });
      } })],
    });
    kernel.log.info({ password: 'hunter2-canary' }, 'hello sink');
    const line = received.map((l) => JSON.parse(l)).find((l) => l.msg === 'hello sink');
    expect(line).toMatchObject({ password: '[REDACTED]' });
    expect(kernel.logs.some((l) => l.msg === 'hello sink')).toBe(true);
    detach();
    kernel.log.info('after detach');
    expect(received.some((l) => l.includes('after detach'))).toBe(false);
  });
});
