/**
 * Supervision of stdio servers: a crashing server is restarted with backoff until the breaker
 * opens (critical alert, degraded health, doctor critical, metrics); a server that never
 * answers fails its connect timeout the same way; stderr reaches the log through redaction.
 */
import { mkdtempSync } from 'node:fs';
import { mcpServiceRef } from '../../../plugins/mcp/index.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import type { Alert, Check } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { eventually } from '../../helpers/eventually.ts';
import type { ToolRegistry } from '../../../sdk/agent/tool-registry.ts';
import { context, groupMembers, registryOnly, SERVERS, stdio } from './kit.ts';

const alerts = (seen: Alert[]) => definePlugin({
  name: 'alert-spy', version: '1.0.0',
  setup(ctx) {
    ctx.hooks.alert.tapPromise(ctx.name, async (alert) => void seen.push(alert));
  },
});

const FAST = { connectTimeoutMs: 1500, backoff: { initialMs: 50, maxMs: 400 }, breaker: { threshold: 3, windowMs: 60_000, cooldownMs: 60_000 } };
const node = (source: string, env: Record<string, string> = {}) => ({ command: process.execPath, args: ['-e', source], env });

describe('mcp supervision', () => {
  it('a server that crashes at start is restarted with growing delays, then the breaker opens with one critical alert', async () => {
    const seen: Alert[] = [];
    const kernel = await createTestKernel({
      config: { mcp: { servers: { crashy: node("console.error('boom: token is ' + process.env.SECRET_TOKEN); process.exit(3)", { SECRET_TOKEN: '${CRASHY_TOKEN}' }) } } },
      env: { CRASHY_TOKEN: 'sk-crashy-secret-4242' },
      plugins: [registryOnly, alerts(seen), ['mcp', FAST]],
    });
    await eventually(() => kernel.use(mcpServiceRef).stats()['crashy']!.state === 'circuit-open', 'the circuit to open', 10_000);
    const stats = kernel.use(mcpServiceRef).stats()['crashy']!;
    expect(stats).toMatchObject({ failures: 3, restarts: 2, tools: 0 });
    expect(stats.lastError).toMatch(/exited \(code 3\)|connect failed/);
    // Backoff: 50 ms then 100 ms before the two restarts (doubling per recent failure).
    const delays = kernel.logs.filter((l) => l.msg?.includes('restarting after backoff')).map((l) => l['delayMs']);
    expect(delays).toEqual([50, 100]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: 'mcp.server.crashy', severity: 'critical', source: 'mcp', state: 'firing' });
    expect(seen[0]!.message).toMatch(/keeps failing: circuit open after 3 failures/);
    // stderr is logged, with the secret from the config env masked.
    const stderr = kernel.logs.filter((l) => l['stream'] === 'stderr' && l['server'] === 'crashy');
    expect(stderr.length).toBeGreaterThanOrEqual(1);
    expect(stderr[0]!.msg).toBe('boom: token is [REDACTED]');
    expect(JSON.stringify(kernel.logs)).not.toContain('sk-crashy-secret-4242');
    // Doctor and metrics say so.
    const checks: Check[] = [];
    await kernel.hooks.diagnose.promise({ add: (check) => void checks.push(check) });
    expect(checks.find((c) => c.id === 'mcp.server.crashy')).toMatchObject({ severity: 'critical', description: expect.stringMatching(/^circuit-open: /) });
    const metrics: [string, number, Record<string, string> | undefined][] = [];
    await kernel.hooks.collectMetrics.promise({ set: (name, value, labels) => void metrics.push([name, value, labels]) });
    expect(metrics).toContainEqual(['circuit_open', 1, { server: 'crashy' }]);
    expect(metrics).toContainEqual(['restarts', 2, { server: 'crashy' }]);
    expect(metrics).toContainEqual(['up', 0, { server: 'crashy' }]);
  });

  it('a server that never answers fails its connect timeout, its process group is killed, and it is retried', async () => {
    const kernel = await createTestKernel({
      config: { mcp: { servers: { mute: node('setInterval(() => {}, 1000); require("node:child_process").spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" })') } } },
      plugins: [registryOnly, ['mcp', { ...FAST, breaker: { threshold: 2, windowMs: 60_000, cooldownMs: 60_000 } }]],
    });
    const pid = await eventually(() => kernel.use(mcpServiceRef).pids()['mute'] ?? false, 'the child to start');
    await eventually(() => groupMembers(pid).length === 2, 'the child and its grandchild');
    await eventually(() => kernel.use(mcpServiceRef).stats()['mute']!.failures >= 1, 'the connect timeout', 5000);
    expect(kernel.use(mcpServiceRef).stats()['mute']!.lastError).toMatch(/connect failed: .*timed out/i);
    // Both the child and the grandchild it spawned are gone: the whole group was killed.
    await eventually(() => groupMembers(pid).length === 0, 'the first process group to be gone');
    await eventually(() => kernel.use(mcpServiceRef).stats()['mute']!.state === 'circuit-open', 'the breaker', 8000);
  });

  it('the gateway health registry gets mcp:<server> (degraded while down)', async () => {
    const reports: [string, string, string | undefined][] = [];
    const gateway = definePlugin({
      name: 'gateway', version: '1.0.0',
      setup(ctx) {
        ctx.provide('gateway', { health: { report: (component: string, status: string, options?: { detail?: string }) => void reports.push([component, status, options?.detail]) } } as never);
      },
    });
    const kernel = await createTestKernel({
      config: { mcp: { servers: { crashy: node('process.exit(1)') } } },
      plugins: [registryOnly, gateway, ['mcp', { ...FAST, breaker: { threshold: 1, windowMs: 60_000, cooldownMs: 60_000 } }]],
    });
    await eventually(() => kernel.use(mcpServiceRef).stats()['crashy']!.state === 'circuit-open', 'the circuit to open');
    expect(reports[0]).toEqual(['mcp:crashy', 'degraded', 'connecting']);
    expect(reports.at(-1)).toEqual(['mcp:crashy', 'degraded', expect.stringMatching(/^circuit open after 1 failures/)]);
  });

  it('a connected server that dies is restarted after the backoff; its tools leave the registry and come back', async () => {
    const kernel = await createTestKernel({
      config: { mcp: { servers: { everything: stdio(SERVERS.everything, ['stdio']) } } },
      plugins: [registryOnly, ['mcp', { backoff: { initialMs: 200, maxMs: 1000 } }]],
    });
    await kernel.use(mcpServiceRef).settled();
    const tools = kernel.use('tools') as ToolRegistry;
    const first = kernel.use(mcpServiceRef).pids()['everything']!;
    expect(tools.get('mcp__everything__echo')).toBeDefined();
    process.kill(first, 'SIGKILL');
    await eventually(() => tools.get('mcp__everything__echo') === undefined, 'the tools to leave the registry');
    await eventually(() => kernel.use(mcpServiceRef).stats()['everything']!.state === 'ready' && tools.get('mcp__everything__echo'), 'the restart', 15_000);
    const stats = kernel.use(mcpServiceRef).stats()['everything']!;
    expect(stats).toMatchObject({ restarts: 1, failures: 1, lastError: 'process exited (SIGKILL)' });
    expect(kernel.use(mcpServiceRef).pids()['everything']).not.toBe(first);
    expect(await tools.get('mcp__everything__echo')!.handler({ message: 'back' }, context())).toContain('Echo: back');
  });

  it('after cooldownMs an open circuit gets one more attempt; a success closes it and resolves the alert', async () => {
    const seen: Alert[] = [];
    const flag = join(mkdtempSync(join(tmpdir(), 'moltbot-mcp-flag-')), 'failed-once');
    // Fails its first start, then runs server-everything.
    const source = "const fs = require('node:fs'); if (!fs.existsSync(process.env.FLAG)) { fs.writeFileSync(process.env.FLAG, '1'); process.exit(1); } import(process.env.SERVER);";
    const kernel = await createTestKernel({
      config: { mcp: { servers: { flaky: node(source, { FLAG: flag, SERVER: SERVERS.everything }) } } },
      plugins: [registryOnly, alerts(seen), ['mcp', { ...FAST, connectTimeoutMs: 15_000, breaker: { threshold: 1, windowMs: 60_000, cooldownMs: 1000 } }]],
    });
    await eventually(() => seen.length === 1, 'the firing alert');
    await eventually(() => kernel.use(mcpServiceRef).stats()['flaky']!.state === 'ready', 'the attempt after the cooldown', 15_000);
    await eventually(() => seen.length === 2, 'the resolved alert');
    expect(seen.map((a) => [a.id, a.state, a.severity])).toEqual([['mcp.server.flaky', 'firing', 'critical'], ['mcp.server.flaky', 'resolved', 'info']]);
    expect((kernel.use('tools') as ToolRegistry).get('mcp__flaky__echo')).toBeDefined();
  });
});
