/**
 * The sandbox security catalogue (security-tests §4.4) with real isolates in real worker
 * processes. After each hostile call the next ordinary call must succeed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMoltbotError } from '../../../core/errors.ts';
import type { SandboxService } from '../../../plugins/sandbox/index.ts';
import type { SandboxPool } from '../../../plugins/sandbox/pool.ts';
import { eventLoopLagMs, startSandbox, tool } from './fixtures.ts';

let service: SandboxService;
let pool: SandboxPool;

beforeAll(async () => {
  ({ service, pool } = startSandbox({ maxHostCalls: 1_000_000 }));
  await pool.warm();
});
afterAll(() => pool.close());

const run = (source: string, args: unknown = {}) => service.run({ source, filename: 'tools/t.mjs', args });

async function failure(source: string, args: unknown = {}): Promise<{ code: string; message: string }> {
  const error = await run(source, args).then(() => undefined, (e: unknown) => e);
  expect(isMoltbotError(error)).toBe(true);
  const { code, message } = error as { code: string; message: string };
  return { code, message };
}

async function nextCallSucceeds(): Promise<void> {
  expect((await run(tool('(a) => a.n * 2'), { n: 21 })).value).toBe(42);
}

describe('sandbox security catalogue', () => {
  it('runs a tool and copies its result out', async () => {
    const result = await run(tool('async (a) => ({ sum: a.x + a.y, list: [1, "two"] })'), { x: 1, y: 2 });
    expect(result.value).toEqual({ sum: 3, list: [1, 'two'] });
    expect(result.workerPid).not.toBe(process.pid);
  });

  it('SB-01 for(;;){} times out near the limit while this process keeps answering', async () => {
    const started = performance.now();
    const pending = failure(tool('() => { for (;;) {} }'));
    const lag = await eventLoopLagMs();
    expect(await pending).toEqual({ code: 'MOLT_ERR_SANDBOX_TIMEOUT', message: 'tool did not finish within 300 ms' });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1000);
    expect(lag).toBeLessThan(250);
    await nextCallSucceeds();
  });

  it.each([
    ['SB-02 microtask loop', '() => { Promise.resolve().then(() => { for (;;) {} }); return 1; }'],
    ['SB-02 Atomics.wait', '() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0)'],
    ['SB-03 never-settling promise', 'async () => { await new Promise(() => {}); }'],
    ['SB-04 endless await of a host callback', 'async (a, host) => { for (;;) await host.kv.get("k"); }'],
  ])('%s is ended by a timeout', async (_name, body) => {
    expect((await failure(tool(body))).code).toBe('MOLT_ERR_SANDBOX_TIMEOUT');
    await nextCallSucceeds();
  });

  it('SB-05 heap bomb hits the memory limit; the next call gets a fresh isolate', async () => {
    const { code } = await failure(tool('() => { const a = []; for (;;) a.push("x".repeat(64) + a.length); }'));
    expect(['MOLT_ERR_SANDBOX_MEMORY', 'MOLT_ERR_SANDBOX_TIMEOUT']).toContain(code);
    await nextCallSucceeds();
  });

  it('SB-06 ArrayBuffer bomb fails inside the sandbox', async () => {
    const { code, message } = await failure(tool('() => new ArrayBuffer(512 * 1024 * 1024).byteLength'));
    expect(code).toBe('MOLT_ERR_SANDBOX_TOOL_ERROR');
    expect(message).toMatch(/Array buffer allocation failed/);
    await nextCallSucceeds();
  });

  it('SB-08 no host globals, no Function-constructor escape, no import()', async () => {
    const probe = tool(`async () => {
      const out = {};
      for (const name of ['require', 'process', 'module', 'Buffer', 'fetch', 'setTimeout', '__moltbot_cap', '__moltbot_settle', '__moltbot_start']) out[name] = typeof globalThis[name];
      out.ctor = (function () {}).constructor('return typeof process')();
      out.thisCtor = typeof this;
      out.importFs = await import('node:fs').then(() => 'loaded', (e) => e.message);
      return out;
    }`);
    expect((await run(probe)).value).toEqual({
      require: 'undefined', process: 'undefined', module: 'undefined', Buffer: 'undefined', fetch: 'undefined',
      setTimeout: 'undefined', __moltbot_cap: 'undefined', __moltbot_settle: 'undefined', __moltbot_start: 'undefined',
      ctor: 'undefined', thisCtor: 'undefined', importFs: expect.stringMatching(/not supported/i),
    });
  });

  it('SB-08 a static import is refused before the module runs', async () => {
    expect(await failure("import fs from 'node:fs'; export default { description: 'x', run: () => 1 };")).toEqual({
      code: 'MOLT_ERR_SANDBOX_INVALID_TOOL', message: 'sandboxed tools cannot import modules',
    });
  });

  it('SB-09 no isolated-vm handle is reachable from the global object', async () => {
    const walker = tool(`(a, host) => {
      const seen = new Set(); const found = []; const queue = [globalThis, host];
      while (queue.length > 0 && seen.size < 20000) {
        const v = queue.shift();
        if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v)) continue;
        seen.add(v);
        for (const key of Reflect.ownKeys(v)) {
          if (['derefInto', 'copySync', 'applySync', 'getSync', 'setSync', 'copyInto'].includes(key)) found.push(String(key));
          let d; try { d = Object.getOwnPropertyDescriptor(v, key); } catch { continue; }
          if (d && 'value' in d) queue.push(d.value);
        }
        queue.push(Object.getPrototypeOf(v));
      }
      return { found, walked: seen.size };
    }`);
    const { value } = await run(walker);
    expect((value as { found: string[] }).found).toEqual([]);
    expect((value as { walked: number }).walked).toBeGreaterThan(100);
  });

  it('SB-10 prototype pollution stays inside; an own __proto__ key comes back as inert data', async () => {
    const { value } = await run(tool(`() => {
      Object.prototype.polluted = 'yes'; Array.prototype.polluted = 'yes';
      return JSON.parse('{"__proto__": {"isAdmin": true}, "constructor": {"prototype": {"isAdmin": true}}}');
    }`));
    const merged = { ...(value as object) };
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect((merged as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(Object.hasOwn(value as object, '__proto__')).toBe(true);
    // The next call's context is fresh: the pollution did not survive in the warm isolate.
    expect((await run(tool('() => ({}).polluted === undefined && [].polluted === undefined'))).value).toBe(true);
  });

  it('SB-10 every call gets its own fresh context, also when it was prepared while the worker idled', async () => {
    // Serial calls land on prepared contexts; parallel ones race the preparation. None may see
    // what an earlier call left on its global object or its builtins.
    const probe = tool(`() => {
      const seen = [globalThis.leftover, Array.prototype.leftover, typeof globalThis.__moltbot_settle];
      globalThis.leftover = 'x'; Array.prototype.leftover = 'x';
      return seen;
    }`);
    const clean = [null, null, 'undefined'];
    for (let i = 0; i < 20; i++) expect((await run(probe)).value).toEqual(clean);
    const parallel = await Promise.all(Array.from({ length: 8 }, () => run(probe)));
    expect(parallel.map((r) => r.value)).toEqual(Array.from({ length: 8 }, () => clean));
  });

  it.each([
    ['SB-11 20 MiB string', '() => "x".repeat(20 * 1024 * 1024)'],
    ['SB-11 1e6-element array', '() => Array.from({ length: 1e6 }, (_, i) => i)'],
  ])('%s result is refused', async (_name, body) => {
    const { code } = await failure(tool(body));
    // Which limit trips first depends on machine load; each one refuses the result.
    expect(['MOLT_ERR_SANDBOX_OUTPUT_TOO_LARGE', 'MOLT_ERR_SANDBOX_MEMORY', 'MOLT_ERR_SANDBOX_TIMEOUT']).toContain(code);
    await nextCallSucceeds();
  });

  it('SB-11 a result over the cap is refused with OUTPUT_TOO_LARGE', async () => {
    expect(await failure(tool('() => "y".repeat(100 * 1024)'))).toEqual({
      code: 'MOLT_ERR_SANDBOX_OUTPUT_TOO_LARGE', message: 'result is 102422 characters; the limit is 65536',
    });
  });

  it('SB-12 source over the cap is refused before compile; a huge eval is refused inside', async () => {
    expect((await failure(`/*${'x'.repeat(70 * 1024)}*/ export default {}`)).code).toBe('MOLT_ERR_SANDBOX_SOURCE_TOO_LARGE');
    const { code, message } = await failure(tool('() => eval("1+" + " ".repeat(4 * 1024 * 1024) + "1")'));
    expect(code).toBe('MOLT_ERR_SANDBOX_TOOL_ERROR');
    expect(message).toMatch(/Code generation from strings disallowed|Invalid string length/);
  });

  it.each([
    ['throw with a message getter', '() => { throw { get message() { return "from getter"; } }; }', 'a non-Error object was thrown'],
    ['throw Symbol()', '() => { throw Symbol("s"); }', 'a Symbol was thrown'],
    ['throw a Proxy', '() => { throw new Proxy({}, { get() { throw new Error("trap"); }, getPrototypeOf() { throw new Error("trap"); } }); }', 'an unprintable value was thrown'],
    ['throw an Error', '() => { throw new TypeError("bad input"); }', 'TypeError: bad input'],
    ['throw a string', '() => { throw "plain"; }', 'thrown: plain'],
  ])('SB-18 %s becomes a sanitized string', async (_name, body, message) => {
    expect(await failure(tool(body))).toEqual({ code: 'MOLT_ERR_SANDBOX_TOOL_ERROR', message });
  });

  it('rejects a module without run()', async () => {
    expect(await failure("export default { description: 'x' };")).toEqual({
      code: 'MOLT_ERR_SANDBOX_INVALID_TOOL', message: 'the default export has no run(args, host) function',
    });
  });

  it('describe() returns description and parameters as data', async () => {
    const described = await service.describe("export default { description: 'Adds', parameters: { type: 'object', properties: { n: { type: 'number' } } }, run: () => 1 };", 'tools/add.mjs');
    expect(described).toEqual({ description: 'Adds', parameters: { type: 'object', properties: { n: { type: 'number' } } } });
  });
});
