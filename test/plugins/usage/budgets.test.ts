/**
 * Spend budgets through a real gateway, the agent and the fake provider: a hard daily budget
 * refuses the next call with its message and one alert; a reply streaming past a hard limit is
 * stopped there and what it spent is recorded; a soft budget alerts once; options that cannot
 * work are refused naming their path.
 */
import { describe, expect, it } from 'vitest';
import { definePlugin, type Alert } from '../../../sdk/core/index.ts';
import { usageServiceRef } from '../../../sdk/usage/index.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { eventually } from '../../helpers/eventually.ts';
import { chat, startAgent } from '../agent/harness.ts';

function alertSink(alerts: Alert[]) {
  return definePlugin({ name: 'test-alert-sink', version: '1.0.0', setup(ctx) { ctx.hooks.alert.tapPromise(ctx.name, async (alert) => void alerts.push(alert)); } });
}

/** The fake provider counts ≈ 4 characters of request body a token; priced per token. */
const perToken = (input: number, output: number) => ({ 'fake/primary': { input: input * 1e6, output: output * 1e6 } });

describe('hard budgets', () => {
  it('a used-up daily budget refuses the next model call with a message to the user and one alert to the owner', async () => {
    const alerts: Alert[] = [];
    // $1 an input token: our prompt estimate (≈ 5 tokens) lets the first call stream; the
    // provider then reports the whole request body (> 20 tokens), which uses the budget up.
    const h = await startAgent({ extra: [alertSink(alerts), ['usage', { prices: perToken(1, 0), timezone: 'Europe/Paris', budgets: [{ name: 'daily', scope: 'global', period: 'day', usd: 20, mode: 'hard' }] }]] });
    h.fake.script({ text: 'first answer' });
    const client = await h.client();
    const first = await chat(client, 'hi');
    expect(first.final.payload).toMatchObject({ status: 'ok', text: 'first answer' });

    for (const attempt of [1, 2]) {
      const refused = await chat(client, `again ${attempt}`);
      expect(refused.final.payload.status).toBe('error');
      expect(refused.final.payload.error.code).toBe('MOLT_ERR_USAGE_BUDGET_EXCEEDED');
      expect(refused.final.payload.error.message).toMatch(/^the daily \(\d{4}-\d{2}-\d{2}, Europe\/Paris\) hard spend limit "daily" is used up \(\$\d+\.\d{4} of \$20\.00\): no more model calls until tomorrow\.$/);
    }
    // Refused before the provider was asked.
    expect(h.fake.requests).toHaveLength(1);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ id: 'usage.budget.daily', severity: 'critical', source: 'usage', state: 'firing', data: { budget: 'daily', limitUsd: 20 } });
    expect(alerts[0]!.message).toMatch(/A model call was refused\.$/);
  });

  it('a reply streaming past the limit is stopped there, and what it spent is recorded', async () => {
    const alerts: Alert[] = [];
    // $1 an output token, input free: the limit is reached after 25 tokens ≈ 100 characters.
    const h = await startAgent({ extra: [alertSink(alerts), ['usage', { prices: perToken(0, 1), budgets: [{ name: 'session-cap', scope: 'session', period: 'total', usd: 25 }] }]] });
    // Paced: one 10-character piece every 10 ms, as a real model streams.
    h.fake.script({ text: 'abcdefghij'.repeat(40), chunks: 40, chunkDelayMs: 10 });
    const client = await h.client();
    const { deltas, final } = await chat(client, 'tell me a long story');
    expect(final.payload.status).toBe('error');
    expect(final.payload.error.code).toBe('MOLT_ERR_USAGE_BUDGET_EXCEEDED');
    expect(final.payload.error.message).toMatch(/^The answer was stopped: the total hard spend limit "session-cap" of this session was reached while the model was answering \(\$25\.0000 of \$25\.00\)/);
    // 10 of the 40 pieces reached the client, and the provider stream was closed: the rest was never generated.
    expect(deltas.map((d) => d.payload.text).join('')).toBe('abcdefghij'.repeat(10));
    expect(final.payload.text).toBe('abcdefghij'.repeat(10));
    await eventually(() => h.fake.requests[0]!.closedEarly !== undefined, 'the paced stream to end');
    expect(h.fake.requests[0]).toMatchObject({ closedEarly: true });
    expect(h.fake.requests[0]!.piecesSent).toBeLessThan(40);
    const usage = h.kernel.use(usageServiceRef);
    expect((await usage.summary()).total).toMatchObject({ calls: 1, output: 25, costUsd: 25 });
    expect(alerts.map((a) => a.id)).toEqual(['usage.budget.session-cap']);
    // The session's budget is spent: its next call is refused; another session still answers.
    const next = await chat(client, 'more');
    expect(next.final.payload.error.code).toBe('MOLT_ERR_USAGE_BUDGET_EXCEEDED');
    h.fake.script({ text: 'short' });
    const other = await chat(client, 'hello', 'agent:main:test:dm:other');
    expect(other.final.payload).toMatchObject({ status: 'ok', text: 'short' });
    expect(h.fake.requests).toHaveLength(2);
  });

  it('a budget for one agent leaves the others alone', async () => {
    const h = await startAgent({ extra: [['usage', { prices: perToken(1, 0), budgets: [{ scope: 'agent', agent: 'ops', period: 'month', tokens: 1 }] }]] });
    const client = await h.client();
    for (let i = 0; i < 2; i++) expect((await chat(client, `hello ${i}`)).final.payload.status).toBe('ok');
  });
});

describe('soft budgets', () => {
  it('alerts once when the threshold is passed, and never refuses', async () => {
    const alerts: Alert[] = [];
    const h = await startAgent({ extra: [alertSink(alerts), ['usage', { prices: perToken(0, 1), budgets: [{ name: 'watch', scope: 'agent', period: 'day', usd: 4, mode: 'soft', alertAt: 0.5 }] }]] });
    const client = await h.client();
    for (let i = 0; i < 6; i++) {
      h.fake.script({ text: 'abcd' }); // one output token: $1
      expect((await chat(client, `call ${i}`)).final.payload.status).toBe('ok');
      expect(alerts).toHaveLength(i < 1 ? 0 : 1);
    }
    expect(alerts[0]).toMatchObject({ id: 'usage.budget.watch', severity: 'warning', data: { agentId: 'main', usedUsd: 2, limitUsd: 4 } });
    expect(alerts[0]!.message).toMatch(/^The daily \(.*\) soft spend limit "watch" of agent "main" is 50% spent or more \(\$2\.0000 of \$4\.00\)\.$/);
  });
});

describe('budget options', () => {
  const start = (options: object) => createTestKernel({ config: { preset: 'none', plugins: [['usage', options]] } });

  it.each([
    [{ budgets: [{ scope: 'global', period: 'day' }] }, /options\.budgets\[0\] has no limit/, 'options.budgets[0]'],
    [{ budgets: [{ scope: 'global', agent: 'main', period: 'day', usd: 1 }] }, /options\.budgets\[0\]\.agent is only for scope "agent"/, 'options.budgets[0].agent'],
    [{ budgets: [{ scope: 'global', period: 'day', usd: 1 }, { scope: 'global', period: 'day', tokens: 5 }] }, /options\.budgets\[1\] has the same name/, 'options.budgets[1].name'],
    [{ timezone: 'Mars/Olympus', budgets: [] }, /options\.timezone "Mars\/Olympus" is not an IANA time zone/, 'options.timezone'],
    [{ redis: {} }, /options\.redis shares budget counters, but no budget is configured/, 'options.redis'],
  ])('refuses %j naming the path', async (options, message, path) => {
    const error = await start(options).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'MOLT_ERR_PLUGIN_OPTIONS_INVALID', path });
    expect((error as Error).message).toMatch(message);
  });

  it('the schema refuses an unknown mode, period or key', async () => {
    await expect(start({ budgets: [{ scope: 'global', period: 'week', usd: 1 }] })).rejects.toThrow(/budgets\/0\/period|budgets\[0\]\.period/);
    await expect(start({ budgets: [{ scope: 'global', period: 'day', usd: 1, mode: 'strict' }] })).rejects.toThrow(/mode/);
    await expect(start({ budgets: [{ scope: 'global', period: 'day', dollars: 1 }] })).rejects.toThrow(/dollars/);
  });
});
