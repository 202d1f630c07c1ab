/**
 * Supervision of the sandbox worker processes: crashes, respawn, circuit breaker, host
 * watchdog, pool bounds, CPU budgets and the start-up guard (security-tests §4.4).
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { SandboxOptions } from '../../../plugins/sandbox/index.ts';
import { CATASTROPHIC_OOM, OOM_BODY, eventLoopLagMs, startSandbox, tool } from './fixtures.ts';

function sandbox(overrides: Partial<SandboxOptions> = {}) {
  const started = startSandbox(overrides);
  onTestFinished(() => started.pool.close());
  return started;
}

const ok = tool('(a) => a.n + 1');
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (e: { code?: string }) => e.code);

describe('sandbox supervision', () => {
  it('SB-07 catastrophic OOM kills only the worker: typed error, respawn, next call works, one alert', async () => {
    const { service, alerts, crashes } = sandbox({ poolSize: 1, timeout: 5000, memoryLimit: 64 });
    const before = await service.run({ source: ok, filename: 't.mjs', args: { n: 1 } });
    const failure = await service.run({ source: CATASTROPHIC_OOM, filename: 'bomb.mjs' }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'MOLT_ERR_SANDBOX_CRASHED', message: expect.stringMatching(/signal SIGABRT/) });
    expect(await eventLoopLagMs()).toBeLessThan(250);
    const after = await service.run({ source: ok, filename: 't.mjs', args: { n: 1 } });
    expect(after.value).toBe(2);
    expect(after.workerPid).not.toBe(before.workerPid);
    expect([before.workerPid, after.workerPid]).not.toContain(process.pid);
    expect(crashes).toEqual([{ signal: 'SIGABRT', exitCode: null }]);
    expect(alerts.map((a) => [a.id, a.severity, a.state])).toEqual([['sandbox-worker-crashed', 'warning', 'firing']]);
  });

  it('SB-07 a catastrophic OOM in top-level module code (run on the worker\'s main thread) also aborts at once', async () => {
    const { service, crashes } = sandbox({ poolSize: 1, timeout: 5000, watchdogGrace: 5000, memoryLimit: 64 });
    const topLevel = CATASTROPHIC_OOM.replace('export default {', 'const n = ((' + OOM_BODY + ')());\nexport default {');
    const started = performance.now();
    const failure = await service.run({ source: topLevel, filename: 'bomb.mjs' }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'MOLT_ERR_SANDBOX_CRASHED', message: expect.stringMatching(/signal SIGABRT/) });
    // Not the host watchdog's kill after timeout + grace.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(crashes).toEqual([{ signal: 'SIGABRT', exitCode: null }]);
    expect((await service.run({ source: ok, filename: 't.mjs', args: { n: 1 } })).value).toBe(2);
  });

  it('repeated crashes open the circuit breaker: fail fast and a critical alert', async () => {
    const { service, alerts, pool } = sandbox({ poolSize: 1, breaker: { threshold: 2, windowMs: 60_000, cooldownMs: 60_000 } });
    const crash = tool('() => { const a = []; for (;;) a.push(a); }');
    // A worker killed from outside is a crash like any other.
    const kill = tool('() => 1');
    await service.run({ source: kill, filename: 'k.mjs' });
    process.kill(pool.stats().pids[0] as number, 'SIGKILL');
    await waitFor(() => pool.stats().crashes === 1);
    await service.run({ source: kill, filename: 'k.mjs' });
    process.kill(pool.stats().pids[0] as number, 'SIGKILL');
    await waitFor(() => pool.stats().crashes === 2);
    expect(pool.stats().circuit).toBe('open');
    expect(await codeOf(service.run({ source: crash, filename: 'c.mjs' }))).toBe('MOLT_ERR_SANDBOX_UNAVAILABLE');
    expect(alerts.map((a) => a.id)).toEqual(['sandbox-worker-crashed', 'sandbox-circuit-open']);
    expect(alerts[1]).toMatchObject({ severity: 'critical', state: 'firing', source: 'sandbox' });
  });

  it('the host watchdog kills a worker that stops answering and respawns it', async () => {
    const { service, pool } = sandbox({ poolSize: 1, timeout: 100, watchdogGrace: 100 });
    const first = await service.run({ source: ok, filename: 't.mjs', args: { n: 1 } });
    process.kill(first.workerPid, 'SIGSTOP');
    const started = performance.now();
    const failure = await service.run({ source: ok, filename: 't.mjs', args: { n: 1 } }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'MOLT_ERR_SANDBOX_TIMEOUT', message: 'tool did not finish within 100 ms; its worker was killed' });
    expect(performance.now() - started).toBeLessThan(1000);
    const next = await service.run({ source: ok, filename: 't.mjs', args: { n: 1 } });
    expect(next.workerPid).not.toBe(first.workerPid);
    expect(pool.stats().crashes).toBe(0);
  });

  it('a worker whose memory passes workerMaxRssMb is replaced after its call, without a crash', async () => {
    const { service, pool, alerts } = sandbox({ poolSize: 1, workerMaxRssMb: 32 });
    const pids = [];
    for (let i = 0; i < 3; i++) pids.push((await service.run({ source: ok, filename: 't.mjs', args: { n: i } })).workerPid);
    expect(new Set(pids).size).toBe(3);
    expect(pool.stats()).toMatchObject({ crashes: 0, retired: 3 });
    expect(alerts).toEqual([]);
  });

  it('SB-14 10 parallel calls with pool 2: at most 2 workers, 6 queued, the rest BUSY', async () => {
    const { service, pool } = sandbox({ poolSize: 2, maxQueue: 6 });
    await pool.warm();
    const slow = tool('() => { const end = Date.now() + 60; while (Date.now() < end) {} return 1; }');
    const calls = Array.from({ length: 10 }, () => codeOf(service.run({ source: slow, filename: 's.mjs' })));
    expect(pool.stats()).toMatchObject({ workers: 2, running: 2, queued: 6 });
    const codes = await Promise.all(calls);
    expect(codes.filter((c) => c === 'resolved')).toHaveLength(8);
    expect(codes.filter((c) => c === 'MOLT_ERR_SANDBOX_BUSY')).toHaveLength(2);
    expect(pool.stats().workers).toBe(2);
  });

  it('SB-13 a session over its CPU budget is refused; other sessions are not', async () => {
    const { service } = sandbox({ cpuBudgetMs: 30 });
    const burn = tool('() => { const end = Date.now() + 40; while (Date.now() < end) {} return 1; }');
    await service.run({ source: burn, filename: 'b.mjs', sessionKey: 'group:1' });
    expect(service.cpuUsedMs('group:1')).toBeGreaterThanOrEqual(30);
    const refused = await service.run({ source: ok, filename: 't.mjs', args: { n: 1 }, sessionKey: 'group:1' }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'MOLT_ERR_SANDBOX_CPU_BUDGET', message: 'session used its sandbox CPU budget of 30 ms' });
    expect((await service.run({ source: ok, filename: 't.mjs', args: { n: 1 }, sessionKey: 'group:2' })).value).toBe(2);
  });

  it('SB-04 host calls per run are capped', async () => {
    const { service } = sandbox({ maxHostCalls: 5 });
    const failure = await service.run({ source: tool('async (a, host) => { for (let i = 0; i < 10; i++) await host.kv.get("k"); }'), filename: 'h.mjs' }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'MOLT_ERR_SANDBOX_TOOL_ERROR', message: 'Error: more than 5 host calls in one run' });
  });

  it('SB-16 a worker started without --no-node-snapshot refuses to run; the pool reports unavailable', async () => {
    const { service, alerts, crashes } = sandbox({ execArgv: [] });
    const failure = await service.run({ source: ok, filename: 't.mjs', args: { n: 1 } }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'MOLT_ERR_SANDBOX_UNAVAILABLE', message: 'the sandbox is unavailable: the sandbox worker refuses to start without --no-node-snapshot' });
    expect(crashes[0]).toEqual({ signal: null, exitCode: 70 });
    expect(alerts.some((a) => a.id === 'sandbox-circuit-open')).toBe(true);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
