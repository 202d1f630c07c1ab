import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { alertsServiceRef } from '../../../sdk/alerts/index.ts';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it, vi, onTestFinished } from 'vitest';
import type { Alert } from '../../../core/hook-types.ts';
import { definePlugin } from '../../../core/plugin.ts';
import { createTestKernel } from '../../../app/testing.ts';
import alertsPlugin from '../../../plugins/alerts/index.ts';
import alertConsole from '../../../plugins/alert-console/index.ts';
import alertFile from '../../../plugins/alert-file/index.ts';
import alertWebhook, { sign } from '../../../plugins/alert-webhook/index.ts';
import metricsPlugin from '../../../plugins/metrics/index.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const CANARY = 'canary-secret-7f3a9c1e5b';

/** A plugin whose `queue_depth` figure the test sets. */
function gauge() {
  const state = { value: 0 };
  const plugin = definePlugin({
    name: 'demo',
    version: '1.0.0',
    setup(ctx) {
      ctx.hooks.collectMetrics.tap(ctx.name, (collector) => collector.set('queue_depth', state.value));
    },
  });
  return { state, plugin };
}

const throwingSink = definePlugin({
  name: 'throwing-sink',
  version: '1.0.0',
  setup(ctx) {
    ctx.hooks.alert.tap(ctx.name, () => {
      throw new Error('sink exploded');
    });
  },
});

interface Received { body: Alert; headers: IncomingMessage['headers'] }

async function receiver(failFirst = 0) {
  const received: Received[] = [];
  let failures = failFirst;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (failures > 0) {
        failures--;
        response.writeHead(503).end();
        return;
      }
      received.push({ body: JSON.parse(Buffer.concat(chunks).toString()) as Alert, headers: request.headers });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as { port: number };
  return { received, url: `http://127.0.0.1:${port}/hooks/${CANARY}` };
}

describe('alerts end to end', () => {
  it('a threshold fires once per window into console, file and a signed webhook, then resolves; a throwing sink breaks none', async () => {
    const { state, plugin } = gauge();
    const hook = await receiver(1);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    onTestFinished(() => stderr.mockRestore());
    const kernel = await createTestKernel({
      config: {
        alerts: { rules: [{ metric: 'demo.queue_depth', above: 5, severity: 'critical' }], thresholds: { eventLoopDelayWarning: 100000, eventLoopDelayCritical: 100000, cpuWarning: 1, cpuCritical: 1, memoryCritical: 1, diskWarning: 1, diskCritical: 1 } },
        plugins: [metricsPlugin, plugin, alertsPlugin, throwingSink, alertConsole, alertFile, [alertWebhook, { url: hook.url, secret: CANARY, backoffMs: 10 }]],
      },
    });
    const alerts = kernel.use(alertsServiceRef);
    const seen: Alert[] = [];
    alerts.subscribe((alert) => seen.push(alert));
    alerts.subscribe(() => {
      throw new Error('subscriber exploded');
    });

    state.value = 9;
    expect((await alerts.check()).map((a) => `${a.id}:${a.state}:${a.severity}`)).toEqual(['rule:demo.queue_depth:firing:critical']);
    expect(await alerts.check()).toEqual([]);
    expect(alerts.active()).toHaveLength(1);
    state.value = 1;
    expect((await alerts.check()).map((a) => `${a.id}:${a.state}`)).toEqual(['rule:demo.queue_depth:resolved']);

    expect(seen.map((a) => a.state)).toEqual(['firing', 'resolved']);
    expect(seen[0]!.message).toBe('demo.queue_depth at 9, above 5');
    // webhook: first attempt got 503, the retry delivered; signed over "<timestamp>.<body>"
    expect(hook.received.map((r) => r.body.state)).toEqual(['firing', 'resolved']);
    const first = hook.received[0]!;
    const timestamp = String(first.headers['x-moltbot-timestamp']);
    expect(first.headers['x-moltbot-signature']).toBe(sign(CANARY, timestamp, JSON.stringify(first.body)));
    // console
    const lines = stderr.mock.calls.map(([chunk]) => String(chunk)).filter((line) => line.includes('rule:demo.queue_depth'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/ CRITICAL rule:demo\.queue_depth: demo\.queue_depth at 9, above 5 \[alerts\]\n$/);
    expect(lines[1]).toMatch(/ RESOLVED rule:demo\.queue_depth: demo\.queue_depth back to 1 \[alerts\]\n$/);
    // file: JSONL, 0600
    const file = join(kernel.tempDir, 'state', 'plugins', 'alert-file', 'alerts.jsonl');
    const records = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Alert);
    expect(records.map((r) => r.state)).toEqual(['firing', 'resolved']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // the throwing sink and subscriber were logged, by name, and no secret leaked
    const log = kernel.logs.map((line) => JSON.stringify(line)).join('\n');
    expect(kernel.logs.filter((line) => line.msg === 'an alert sink failed; the other sinks still got the alert' && line.sink === 'throwing-sink')).toHaveLength(2);
    expect(log).toContain('subscriber exploded');
    expect(log).not.toContain(CANARY);
    expect(kernel.logs.find((line) => line.msg === 'alert webhook delivered after retries')).toMatchObject({ attempts: 2 });
  });

  it('dedups per window, re-sends on a severity change, and plugins raising through the service reach the sinks', async () => {
    const hook = await receiver();
    let now = 1_000_000;
    const kernel = await createTestKernel({
      config: { alerts: { dedupWindow: 60_000, sinks: ['webhook'] }, plugins: [alertsPlugin, alertFile, [alertWebhook, { url: hook.url }]] },
    });
    const alerts = kernel.use(alertsServiceRef);
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    onTestFinished(() => { vi.restoreAllMocks(); });
    const raise = (severity: 'warning' | 'critical') => alerts.raise({ id: 'cache.degraded', severity, message: 'redis tier unreachable', source: 'cache' });
    expect(await raise('warning')).toMatchObject({ state: 'firing', severity: 'warning', source: 'cache' });
    expect(await raise('warning')).toBeUndefined();
    now += 30_000;
    expect(await raise('critical')).toMatchObject({ severity: 'critical' });
    now += 61_000;
    expect(await raise('critical')).toMatchObject({ severity: 'critical' });
    expect(await alerts.resolve('cache.degraded')).toMatchObject({ state: 'resolved', message: 'resolved: redis tier unreachable' });
    expect(await alerts.resolve('cache.degraded')).toBeUndefined();
    expect(hook.received.map((r) => `${r.body.severity}:${r.body.state}`)).toEqual(['warning:firing', 'critical:firing', 'critical:firing', 'critical:resolved']);
    expect(hook.received[0]!.headers['x-moltbot-signature']).toBeUndefined();
    // alerts.sinks lists only the webhook: the file sink stayed idle
    expect(() => statSync(join(kernel.tempDir, 'state', 'plugins', 'alert-file', 'alerts.jsonl'))).toThrow(/ENOENT/);
  });

  it('a webhook that keeps failing is logged without its URL path and the check goes on', async () => {
    const hook = await receiver(10);
    const kernel = await createTestKernel({ config: { plugins: [alertsPlugin, [alertWebhook, { url: hook.url, retries: 2, backoffMs: 5 }]] } });
    const sent = await kernel.use(alertsServiceRef).raise({ id: 'backup.failed', severity: 'critical', message: 'nightly backup failed' });
    expect(sent?.state).toBe('firing');
    const failure = kernel.logs.find((line) => line.msg === 'alert sink failed to deliver');
    expect((failure?.err as { message?: string })?.message).toMatch(/^alert webhook to http:\/\/127\.0\.0\.1:\d+ failed: HTTP 503$/);
    expect(JSON.stringify(kernel.logs)).not.toContain(CANARY);
    expect(hook.received).toHaveLength(0);
  });

  it('the host thresholds fire from measured figures (cpuWarning 0 → warning, above nothing → resolved)', async () => {
    // warmup 0: judged at once. CPU is measured between two checks: the first sets the baseline.
    const kernel = await createTestKernel({ config: { alerts: { warmup: 0, thresholds: { cpuWarning: 0, cpuCritical: 1, memoryCritical: 1, diskWarning: 1, diskCritical: 1 } }, plugins: [metricsPlugin, alertsPlugin] } });
    expect((await kernel.use(alertsServiceRef).check()).map((a) => a.id)).not.toContain('cpu');
    const end = performance.now() + 250;
    while (performance.now() < end);
    const events = await kernel.use(alertsServiceRef).check();
    expect(events.map((a) => `${a.id}:${a.severity}`)).toContain('cpu:warning');
    expect(events.find((a) => a.id === 'cpu')!.message).toMatch(/^host CPU use at \d+\.\d%, above 0\.0%$/);
  });
});

describe('alert-file', () => {
  it('narrows an existing looser file to 0600 and appends in order', async () => {
    const { dir } = useTempDir();
    const file = join(dir, 'alerts.jsonl');
    writeFileSync(file, '', { mode: 0o644 });
    chmodSync(file, 0o644);
    const kernel = await createTestKernel({ config: { plugins: [alertsPlugin, [alertFile, { path: file }]] } });
    const alerts = kernel.use(alertsServiceRef);
    await Promise.all([1, 2, 3].map((n) => alerts.raise({ id: `a${n}`, severity: 'info', message: `m${n}` })));
    expect(readFileSync(file, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as Alert).id)).toEqual(['a1', 'a2', 'a3']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});
