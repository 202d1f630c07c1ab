/**
 * /metrics as Prometheus expects it: totals are counters, model call latency is a histogram
 * (rates and quantiles are PromQL's job, not figures computed in-process), and Debian's
 * `promtool check metrics` accepts a real gateway's scrape.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import metricsPlugin from '../../../plugins/metrics/index.ts';
import { defineMethod } from '../../../sdk/gateway/methods.ts';
import { connectClient, PASSWORD, startGateway } from '../gateway/helpers.ts';

const calls = definePlugin({
  name: 'calls',
  version: '1.0.0',
  setup(ctx) {
    defineMethod(ctx, { name: 'calls.fail', scope: 'read', handler: () => { throw new Error('boom'); } });
    defineMethod(ctx, { name: 'calls.ok', scope: 'read', handler: () => ({ ok: true }) });
    ctx.hooks.collectMetrics.tapPromise(ctx.name, async (collector) => collector.set('queue_depth', 3, { queue: 'inbound' }));
  },
});

/** `promtool check metrics` reads the exposition on stdin; exit 0 and no lint line = accepted. */
function promtool(text: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
  if (run.error) throw new Error(`promtool not runnable (Debian: apt-get install prometheus; scripts/test-env.sh does it): ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** `name{labels} value` lines of one metric family. */
function samples(text: string, name: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match && match[1] === name) found.set(match[2] ?? '', Number(match[3]));
  }
  return found;
}

describe('/metrics for Prometheus', () => {
  it('a real gateway\'s scrape passes promtool; totals are counters, model latency a histogram, and counters only grow', async () => {
    const { kernel, httpUrl, url } = await startGateway({ extra: [metricsPlugin, calls] });
    const client = await connectClient(url);
    for (let i = 0; i < 3; i++) expect((await client.request('calls.ok')).ok).toBe(true);
    expect((await client.request('calls.fail')).ok).toBe(false);
    for (const [runId, input] of [['r1', 100], ['r2', 20]] as const) {
      await kernel.hooks.modelRequest.promise({ runId, model: 'm', messages: [] });
      await kernel.hooks.modelResponse.promise({ runId, model: 'm', usage: { input, output: 10 }, content: 'ok' }, { runId, model: 'm', messages: [] });
    }
    const scrape = async () => {
      const response = await fetch(`${httpUrl}/metrics`, { headers: { Authorization: `Bearer ${PASSWORD}` } });
      expect(response.status).toBe(200);
      return response.text();
    };
    const first = await scrape();

    expect(promtool(first)).toEqual({ status: 0, output: '' });
    expect(first).toContain('# TYPE moltbot_gateway_requests_total counter');
    expect(first).toContain('# TYPE moltbot_gateway_errors_total counter');
    expect(first).toContain('# TYPE moltbot_agents_tokens_total counter');
    expect(first).toContain('# TYPE moltbot_agents_model_call_duration_seconds histogram');
    // Rates and quantiles are left to PromQL (rate(), histogram_quantile()).
    expect(first).not.toMatch(/^# TYPE \S*(per_second|error_rate|p95)\S* /m);

    const snapshot = await kernel.use('metrics').snapshot();
    const requests = samples(first, 'moltbot_gateway_requests_total').get('')!;
    expect(requests).toBeGreaterThanOrEqual(4);
    expect(requests).toBeLessThanOrEqual(snapshot.gateway.requestsTotal);
    expect(samples(first, 'moltbot_gateway_errors_total').get('')).toBe(1);
    expect(samples(first, 'moltbot_agents_tokens_total')).toEqual(new Map([['{kind="input"}', 120], ['{kind="output"}', 20]]));
    expect(samples(first, 'moltbot_agents_model_call_duration_seconds_count').get('')).toBe(2);
    expect(samples(first, 'moltbot_agents_model_call_duration_seconds_bucket').get('{le="+Inf"}')).toBe(2);
    expect(first).toContain('moltbot_calls_queue_depth{queue="inbound"} 3');

    expect((await client.request('calls.fail')).ok).toBe(false);
    const second = await scrape();
    expect(promtool(second)).toEqual({ status: 0, output: '' });
    expect(samples(second, 'moltbot_gateway_requests_total').get('')).toBeGreaterThan(requests);
    expect(samples(second, 'moltbot_gateway_errors_total').get('')).toBe(2);
    expect(second).not.toContain(PASSWORD);
  });
});
