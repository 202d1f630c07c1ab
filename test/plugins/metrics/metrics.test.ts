import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { createTestKernel } from '../../../app/testing.ts';
import metricsPlugin from '../../../plugins/metrics/index.ts';
import { formatStatus } from '../../../plugins/metrics/status-command.ts';
import { defineMethod } from '../../../sdk/gateway/methods.ts';
import { connectClient, PASSWORD, startGateway } from '../gateway/helpers.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const failing = definePlugin({
  name: 'flaky',
  version: '1.0.0',
  setup(ctx) {
    defineMethod(ctx, { name: 'flaky.fail', scope: 'read', handler: () => { throw new Error('boom'); } });
    defineMethod(ctx, { name: 'flaky.ok', scope: 'read', handler: () => ({ ok: true }) });
    ctx.hooks.collectMetrics.tapPromise(ctx.name, async (collector) => {
      collector.set('queue_depth', 7, { queue: 'inbound' });
      collector.set('not_a_number', Number.NaN);
    });
  },
});

const broken = definePlugin({
  name: 'broken',
  version: '1.0.0',
  setup(ctx) {
    ctx.hooks.collectMetrics.tapPromise(ctx.name, async () => {
      throw new Error('collector exploded');
    });
  },
});

describe('metrics plugin with the gateway', () => {
  it('N connected clients → activeConnections = N; requests and errors are counted', async () => {
    const { kernel, url } = await startGateway({ extra: [metricsPlugin, failing] });
    const clients = await Promise.all([1, 2, 3].map(() => connectClient(url)));
    const [first] = clients;
    for (let i = 0; i < 3; i++) expect((await first!.request('flaky.ok')).ok).toBe(true);
    expect((await first!.request('flaky.fail')).ok).toBe(false);
    // Refused before dispatch: counted too (request and error).
    expect((await first!.request('no.such.method')).error?.code).toBe('METHOD_NOT_FOUND');
    const response = await first!.request('metrics');
    expect(response.ok).toBe(true);
    const figures = response.payload;
    expect(figures.gateway.activeConnections).toBe(3);
    // 3 ok + 1 failed + 1 unknown method + the metrics call itself (counted on arrival).
    expect(figures.gateway.requestsTotal).toBe(6);
    expect(figures.gateway.errorsTotal).toBe(2);
    expect(figures.gateway.errorRate).toBeCloseTo(2 / 6, 5);
    expect(figures.gateway.requestsPerSecond).toBeCloseTo(6 / 60, 5);
    expect(figures.gateway.uptime).toBeGreaterThanOrEqual(0);
    expect(figures.plugins).toContainEqual({ plugin: 'flaky', name: 'queue_depth', value: 7, labels: { queue: 'inbound' } });
    expect(kernel.logs.some((line) => line.msg?.includes('not a finite number'))).toBe(true);

    clients[2]!.ws.close();
    await clients[2]!.closed;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await kernel.use('metrics').snapshot()).gateway.activeConnections).toBe(2);
  });

  it('/metrics needs auth by default and serves Prometheus text with the bearer credential', async () => {
    const { httpUrl, url } = await startGateway({ extra: [metricsPlugin, failing] });
    await connectClient(url);
    const anonymous = await fetch(`${httpUrl}/metrics`);
    expect(anonymous.status).toBe(401);
    const authed = await fetch(`${httpUrl}/metrics`, { headers: { Authorization: `Bearer ${PASSWORD}` } });
    expect(authed.status).toBe(200);
    expect(authed.headers.get('content-type')).toContain('text/plain');
    const text = await authed.text();
    expect(text).toContain('moltbot_gateway_active_connections 1');
    expect(text).toContain('moltbot_flaky_queue_depth{queue="inbound"} 7');
    expect(text).toMatch(/moltbot_system_cpu_usage [0-9.e-]+/);
    expect(text).not.toContain(PASSWORD);
  });

  it('metrics.public serves /metrics without a credential', async () => {
    const { httpUrl } = await startGateway({ extra: [metricsPlugin], config: { metrics: { public: true } } });
    const response = await fetch(`${httpUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('moltbot_gateway_active_connections 0');
  });
});

describe('metrics plugin without the gateway', () => {
  it('a throwing collectMetrics tap loses only its own figures', async () => {
    const kernel = await createTestKernel({ config: { plugins: [metricsPlugin, failing, broken] } });
    const snapshot = await kernel.use('metrics').snapshot();
    expect(snapshot.gateway.activeConnections).toBe(0);
    expect(snapshot.plugins.map((figure) => `${figure.plugin}.${figure.name}`)).toEqual(['flaky.queue_depth']);
    const warning = kernel.logs.find((line) => line.plugin === 'broken' || String(line.msg).includes('collectMetrics tap failed'));
    expect(warning?.msg).toBe('a collectMetrics tap failed; its figures are left out');
  });

  it('agent figures come from the run and model hooks', async () => {
    const kernel = await createTestKernel({ config: { plugins: [metricsPlugin] } });
    const hooks = kernel.hooks;
    for (const sessionKey of ['main', 'group:1', 'main']) {
      await hooks.beforeAgentRun.promise({ runId: `r-${sessionKey}`, agentId: 'a', sessionKey, model: 'm', input: 'hi', metadata: {} });
    }
    await hooks.modelRequest.promise({ runId: 'r1', model: 'm', messages: [] });
    await new Promise((resolve) => setTimeout(resolve, 30));
    await hooks.modelResponse.promise({ runId: 'r1', model: 'm', usage: { input: 120, output: 30 }, content: 'ok' }, { runId: 'r1', model: 'm', messages: [] });
    const { agents } = await kernel.use('metrics').snapshot();
    expect(agents.activeSessions).toBe(2);
    expect(agents.tokenUsage).toEqual({ input: 120, output: 30, total: 150 });
    expect(agents.averageResponseTime).toBeGreaterThanOrEqual(25);
    expect(agents.p95ResponseTime).toBe(agents.averageResponseTime);
  });

  it('moltbot status says "not measured" where the platform gives no network counters (macOS), never 0', async () => {
    const kernel = await createTestKernel({ config: { plugins: [metricsPlugin] } });
    const snapshot = await kernel.use('metrics').snapshot();
    const unmeasured = { ...snapshot, system: { ...snapshot.system, networkIO: null, networkTotals: null } };
    expect(formatStatus(unmeasured)).toContain('network not measured on this platform');
    expect(formatStatus({ ...snapshot, system: { ...snapshot.system, networkIO: { in: 2048, out: 1024 } } })).toContain('network 2.0 KiB/s in / 1.0 KiB/s out');
  });

  it('metrics.enabled=false provides nothing', async () => {
    const kernel = await createTestKernel({ config: { metrics: { enabled: false }, plugins: [metricsPlugin] } });
    expect(() => kernel.use('metrics')).toThrow(/metrics/);
  });
});

describe('moltbot status', () => {
  it('prints the running gateway\'s metrics, with the configured credential', async () => {
    const { port, url } = await startGateway({ extra: [metricsPlugin] });
    await connectClient(url);
    const { dir } = useTempDir();
    writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({ preset: 'none', plugins: ['metrics'], gateway: { port, auth: { mode: 'password', password: '${GW_PW}' } } }));
    const human = await runCliCaptured(['status'], { cwd: dir, env: { GW_PW: PASSWORD } });
    expect(human.stderr).toBe('');
    expect(human.stdout).toMatch(/^gateway {2}up \d+ s, 2 connections, [0-9.]+ req\/s, errors 0\.0%\nagents {3}0 active sessions, model calls 0 ms avg \/ 0 ms p95, tokens 0 in \/ 0 out\nsystem {3}cpu [0-9.]+%, memory [0-9.]+%, disk [0-9.]+%, network [0-9.]+ [KM]iB\/s in \/ [0-9.]+ [KM]iB\/s out, event-loop p99 \d+ ms\n$/);
    const json = await runCliCaptured(['status', '--json'], { cwd: dir, env: { GW_PW: PASSWORD } });
    expect(JSON.parse(json.stdout).gateway.activeConnections).toBe(2);
    const wrong = await runCliCaptured(['status'], { cwd: dir, env: { GW_PW: 'wrong-password-123' } });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('gateway refused the connection');
    expect(wrong.stderr).not.toContain('wrong-password-123');
  });
});
