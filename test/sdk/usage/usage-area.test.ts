/** moltbot/plugin-sdk/usage: price lookups, costs, grouping, and a third-party consumer of the ref. */
import { describe, expect, it } from 'vitest';
import { definePlugin } from 'moltbot/plugin-sdk/core';
import { costOf, findPrice, parseSince, summarizeUsage, usageServiceRef, type UsageSummary } from 'moltbot/plugin-sdk/usage';
import { startGateway } from '../../plugins/gateway/helpers.ts';

describe('moltbot/plugin-sdk/usage', () => {
  it('finds a price by ref, then id, then id without a dated snapshot suffix; nothing fuzzy', () => {
    const table = { 'gpt-4o': { input: 2.5, output: 10 }, 'gpt-4o-mini': { input: 0.15, output: 0.6 }, 'proxy/gpt-4o': { input: 3, output: 12 } };
    expect(findPrice(table, 'openai/gpt-4o')).toBe(table['gpt-4o']);
    expect(findPrice(table, 'proxy/gpt-4o')).toBe(table['proxy/gpt-4o']);
    expect(findPrice(table, 'openai/gpt-4o-mini-2024-07-18')).toBe(table['gpt-4o-mini']);
    expect(findPrice(table, 'openai/gpt-4o-realtime')).toBeUndefined();
    expect(findPrice(table, 'constructor')).toBeUndefined();
  });

  it('costs tokens per million, cached input at its own rate', () => {
    expect(costOf({ input: 3, output: 15, cachedInput: 0.3 }, { input: 1000, output: 1000, cached: 10_000 })).toBe(0.021);
    expect(costOf({ input: 1, output: 1 }, { input: 0, output: 0, cached: 1_000_000 })).toBe(1);
  });

  it('groups by UTC day and refuses a since that is not a date', () => {
    const at = Date.parse('2026-12-01T23:59:59Z');
    const base = { runId: 'r', agentId: 'a', sessionKey: 's', model: 'm', input: 1, output: 1, cached: 0, costUsd: 0.5 };
    const summary = summarizeUsage([{ ...base, at }, { ...base, at: at + 1000, costUsd: null }], { by: 'day' });
    expect(summary.groups.map((g) => [g.key, g.calls, g.costUsd, g.unpriced])).toEqual([['2026-12-01', 1, 0.5, 0], ['2026-12-02', 1, 0, 1]]);
    expect(parseSince('2026-12-02')).toBe(at + 1000);
    expect(() => parseSince('last week')).toThrow(/YYYY-MM-DD/);
  });

  it('a third-party plugin reads the ledger through usageServiceRef', async () => {
    let seen: UsageSummary | undefined;
    const reader = definePlugin({
      name: 'spend-reader',
      version: '1.0.0',
      consumes: [usageServiceRef],
      setup(ctx) {
        const usage = ctx.use(usageServiceRef);
        ctx.hooks.modelResponse.tapPromise({ name: ctx.name, stage: 10 }, async () => {
          seen = await usage.summary({ by: 'agent' });
        });
      },
    });
    const { kernel } = await startGateway({ extra: ['usage', reader] });
    await kernel.hooks.modelResponse.promise({ runId: 'r', model: 'openai/gpt-4o', agentId: 'ops', sessionKey: 's', usage: { input: 1_000_000, output: 0 }, content: '' }, { runId: 'r', model: 'openai/gpt-4o', messages: [] });
    expect(seen?.groups).toEqual([{ key: 'ops', calls: 1, input: 1_000_000, output: 0, cached: 0, costUsd: 2.5, unpriced: 0 }]);
  });
});
