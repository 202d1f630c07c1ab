/**
 * The usage ledger: a run through the fake provider is recorded with its tokens and cost,
 * totals survive a restart, a torn last line is skipped, `moltbot usage` groups by model and
 * day, RPC `usage.summary` is a read method, and /metrics exports the two counters as
 * Prometheus wants them (promtool).
 */
import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { methodRegistry } from '../../../sdk/gateway/index.ts';
import { usageServiceRef, type UsageRecord } from '../../../sdk/usage/index.ts';
import { chat, startAgent } from '../agent/harness.ts';
import { PASSWORD, startGateway } from '../gateway/helpers.ts';
import metricsPlugin from '../../../plugins/metrics/index.ts';
import usagePlugin from '../../../plugins/usage/index.ts';
import { registerUsageCommand } from '../../../plugins/usage/cli.ts';
import { readLedger } from '../../../plugins/usage/ledger.ts';
import { createUsageService } from '../../../plugins/usage/service.ts';
import type { CliContext, Logger } from '../../../sdk/core/index.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { chunkUsage } from '../../../plugins/provider-openai/openai-api.ts';
import { startUsage } from '../../../plugins/provider-anthropic/anthropic-api.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function tempFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'moltbot-usage-'));
  dirs.push(dir);
  return join(dir, 'usage', 'usage.jsonl');
}

function quietLog(warnings: unknown[] = []): Logger {
  const log: any = { warn: (...args: unknown[]) => warnings.push(args), error: (...args: unknown[]) => warnings.push(args), info: () => undefined, debug: () => undefined, trace: () => undefined, fatal: () => undefined };
  log.child = () => log;
  return log as Logger;
}

const record = (over: Partial<UsageRecord>): UsageRecord => ({
  at: Date.parse('2026-12-01T10:00:00Z'), runId: 'r', agentId: 'main', sessionKey: 'agent:main:main', model: 'fake/a', input: 100, output: 10, cached: 0, costUsd: 0.001, ...over,
});

describe('usage ledger', () => {
  it('records a run through the fake provider with its tokens and its cost from the price table', async () => {
    const h = await startAgent({ extra: [['usage', { prices: { 'fake/primary': { input: 2, output: 10 } } }]] });
    h.fake.script({ text: 'hello there, this is the answer' });
    const client = await h.client();
    const { final } = await chat(client, 'say hello');
    expect(final.payload).toMatchObject({ status: 'ok' });
    const usage = h.kernel.use(usageServiceRef);
    const summary = await usage.summary({ by: 'model' });
    const { input, output } = final.payload.usage as { input: number; output: number };
    expect(input).toBeGreaterThan(0);
    expect(summary.groups).toEqual([{ key: 'fake/primary', calls: 1, input, output, cached: 0, costUsd: (input * 2 + output * 10) / 1e6, unpriced: 0 }]);
    const byAgent = await usage.summary({ by: 'session' });
    expect(byAgent.groups.map((g) => g.key)).toEqual(['agent:main:main']);
    // RPC: a read method with a params schema.
    expect(methodRegistry(h.kernel.hooks).get('usage.summary')?.scope).toBe('read');
    const answer = await client.request('usage.summary', { by: 'agent' });
    expect(answer.ok).toBe(true);
    expect(answer.payload.groups).toMatchObject([{ key: 'main', calls: 1, input, output }]);
    expect((await client.request('usage.summary', { by: 'planet' })).ok).toBe(false);
    expect((await client.request('usage.summary', { since: 'yesterday' })).ok).toBe(false);
  });

  it('counts the tokens of a model without a price, cost null, and warns once', async () => {
    const file = await tempFile();
    const warnings: unknown[] = [];
    const service = await createUsageService(file, {}, quietLog(warnings));
    for (let i = 0; i < 2; i++) await service.record({ runId: `r${i}`, model: 'mystery/model', agentId: 'main', sessionKey: 's', usage: { input: 5, output: 1 }, content: '' });
    await service.close();
    const { records } = await readLedger(file);
    expect(records.map((r) => r.costUsd)).toEqual([null, null]);
    expect((await service.summary()).total).toMatchObject({ calls: 2, input: 10, output: 2, costUsd: 0, unpriced: 2 });
    expect(warnings).toHaveLength(1);
  });

  it('prices cached input at the cached rate and a dated snapshot at its model\'s row', async () => {
    const file = await tempFile();
    const service = await createUsageService(file, { 'claude-sonnet-4-5': { input: 3, output: 15, cachedInput: 0.3 } }, quietLog());
    const done = await service.record({ runId: 'r', model: 'anthropic/claude-sonnet-4-5-20250929', usage: { input: 1_000_000, output: 100_000, cached: 2_000_000 }, content: '' });
    await service.close();
    expect(done?.costUsd).toBe(3 + 1.5 + 0.6);
  });

  it('keeps its totals across a restart and skips a torn last line', async () => {
    const file = await tempFile();
    const first = await createUsageService(file, { m: { input: 1, output: 1 } }, quietLog());
    await first.record({ runId: 'a', model: 'm', agentId: 'main', sessionKey: 's', usage: { input: 10, output: 5 }, content: '' });
    await first.record({ runId: 'b', model: 'm', agentId: 'main', sessionKey: 's', usage: { input: 20, output: 5 }, content: '' });
    await first.close();
    // A crash in the middle of a third append.
    await appendFile(file, '{"at":1,"runId":"c","agentI');
    expect((await readLedger(file)).skipped).toBe(1);

    const warnings: unknown[] = [];
    const second = await createUsageService(file, { m: { input: 1, output: 1 } }, quietLog(warnings));
    expect(warnings).toHaveLength(1);
    expect(second.totalsByModel().get('m')).toMatchObject({ calls: 2, input: 30, output: 10 });
    await second.record({ runId: 'd', model: 'm', agentId: 'main', sessionKey: 's', usage: { input: 1, output: 1 }, content: '' });
    await second.close();
    // The torn tail was cut before the new line: every line is whole.
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line).runId)).toEqual(['a', 'b', 'd']);
  });
});

describe('usage across a kernel restart', () => {
  it('a second kernel on the same state dir starts from the first one\'s totals', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'moltbot-usage-state-'));
    dirs.push(dir);
    const env = { MOLTBOT_STATE_DIR: dir };
    const respond = (kernel: { hooks: any }, input: number) => kernel.hooks.modelResponse.promise({ runId: 'r', model: 'anthropic/claude-haiku-4-5', agentId: 'main', sessionKey: 's', usage: { input, output: 0 }, content: '' }, { runId: 'r', model: 'm', messages: [] });
    const first = await createTestKernel({ env, config: { preset: 'none', plugins: ['usage'] } });
    await respond(first, 1_000_000);
    await first.close();
    const second = await createTestKernel({ env, config: { preset: 'none', plugins: ['usage'] } });
    await respond(second, 2_000_000);
    const usage = second.use(usageServiceRef);
    expect(usage.totalsByModel().get('anthropic/claude-haiku-4-5')).toMatchObject({ calls: 2, input: 3_000_000, costUsd: 3 });
    expect((await usage.summary()).total).toMatchObject({ calls: 2, costUsd: 3 });
    await respond(second, 1);
    await respond(second, 1);
    // Known model: no warning. The ledger lives in the plugin's data dir.
    expect(second.logs.filter((line) => String(line.msg).includes('no price'))).toEqual([]);
    // A summary waits for the appends still in flight (the run does not).
    expect((await usage.summary()).total.calls).toBe(4);
    expect((await readLedger(join(dir, 'plugins', 'usage', 'usage.jsonl'))).records).toHaveLength(4);
  });
});

describe('usage inputs', () => {
  it('providers report cache reads apart from full-rate input', () => {
    expect(chunkUsage({ prompt_tokens: 1000, completion_tokens: 20, total_tokens: 1020, prompt_tokens_details: { cached_tokens: 800 } })).toEqual({ input: 200, output: 20, cached: 800 });
    expect(chunkUsage({ prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 })).toEqual({ input: 10, output: 2 });
    expect(startUsage({ input_tokens: 50, output_tokens: 1, cache_read_input_tokens: 900, cache_creation_input_tokens: 100 } as never)).toEqual({ input: 150, output: 1, cached: 900 });
  });

  it('a prices option that is not a price table is refused, naming the path', async () => {
    await expect(createTestKernel({ config: { plugins: [['usage', { prices: { 'gpt-4o': { input: 'cheap', output: 1 } } }]] } })).rejects.toThrow(/prices/);
    await expect(createTestKernel({ config: { plugins: [['usage', { price: {} }]] } })).rejects.toThrow(/price/);
  });
});

describe('moltbot usage', () => {
  async function run(file: string, ...args: string[]): Promise<string> {
    const out: string[] = [];
    const program = new Command().exitOverride().configureOutput({ writeErr: () => undefined });
    registerUsageCommand(program, { print: (text: string) => out.push(text) } as unknown as CliContext, file);
    await program.parseAsync(['node', 'moltbot', 'usage', ...args]);
    return out.join('\n');
  }

  it('groups by model and by UTC day, filters with --since, prints JSON', async () => {
    const file = await tempFile();
    const day1 = Date.parse('2026-12-01T23:30:00Z');
    const day2 = Date.parse('2026-12-02T00:30:00Z');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, [
      record({ at: day1, model: 'fake/a', input: 100, output: 10, costUsd: 0.5 }),
      record({ at: day2, model: 'fake/b', input: 50, output: 5, costUsd: null }),
      record({ at: day2, model: 'fake/a', input: 1, output: 1, costUsd: 0.25 }),
    ].map((r) => `${JSON.stringify(r)}\n`).join(''));

    const byModel = JSON.parse(await run(file, '--json'));
    expect(byModel.groups).toEqual([
      { key: 'fake/a', calls: 2, input: 101, output: 11, cached: 0, costUsd: 0.75, unpriced: 0 },
      { key: 'fake/b', calls: 1, input: 50, output: 5, cached: 0, costUsd: 0, unpriced: 1 },
    ]);
    const byDay = JSON.parse(await run(file, '--by', 'day', '--json'));
    expect(byDay.groups.map((g: { key: string; calls: number }) => [g.key, g.calls])).toEqual([['2026-12-01', 1], ['2026-12-02', 2]]);
    const since = JSON.parse(await run(file, '--by', 'day', '--since', '2026-12-02', '--json'));
    expect(since.total).toMatchObject({ calls: 2, input: 51 });

    const table = await run(file);
    expect(table.split('\n')[0]).toMatch(/^model\s+calls\s+input\s+cached\s+output\s+cost$/);
    expect(table).toContain('$0.7500');
    expect(table).toMatch(/fake\/b .*\$0\.0000 \(\+1 unpriced call\)/);
    await expect(run(file, '--by', 'planet')).rejects.toThrow(/expected one of agent, session, model, day/);
    await expect(run(file, '--since', 'tomorrow')).rejects.toThrow(/not a date/);
  });
});

function promtool(text: string): { status: number | null; output: string } {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 20_000 });
  if (run.error) throw new Error(`promtool not runnable (Debian: apt-get install prometheus; scripts/test-env.sh does it): ${run.error.message}`);
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('usage on /metrics', () => {
  it('exports moltbot_model_tokens_total{model,kind} and moltbot_model_cost_usd_total{model} as counters promtool accepts', async () => {
    const { kernel, httpUrl } = await startGateway({ extra: [metricsPlugin, [usagePlugin, { prices: { m: { input: 1, output: 2 } } }]] });
    for (const input of [1_000_000, 500_000]) {
      await kernel.hooks.modelResponse.promise({ runId: 'r', model: 'm', agentId: 'main', sessionKey: 's', usage: { input, output: 250_000, cached: 10 }, content: '' }, { runId: 'r', model: 'm', messages: [] });
    }
    const scrape = async () => (await fetch(`${httpUrl}/metrics`, { headers: { Authorization: `Bearer ${PASSWORD}` } })).text();
    const text = await scrape();
    expect(promtool(text)).toEqual({ status: 0, output: '' });
    expect(text).toContain('# TYPE moltbot_model_tokens_total counter');
    expect(text).toContain('# TYPE moltbot_model_cost_usd_total counter');
    expect(text).toContain('moltbot_model_tokens_total{model="m",kind="input"} 1500000');
    expect(text).toContain('moltbot_model_tokens_total{model="m",kind="output"} 500000');
    expect(text).toContain('moltbot_model_tokens_total{model="m",kind="cached"} 20');
    expect(text).toMatch(/moltbot_model_cost_usd_total\{model="m"\} 2\.50002/);
    // A counter only grows: a second scrape without new calls shows the same totals.
    expect(await scrape()).toContain('moltbot_model_tokens_total{model="m",kind="input"} 1500000');
  });
});
