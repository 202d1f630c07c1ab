/**
 * `usage`: the model usage ledger. Every model response the agent reports (`modelResponse`)
 * becomes one record — tokens in / out / cached and its cost from the price table — appended
 * durably to `<stateDir>/plugins/usage/usage.jsonl` (see ledger.ts), so totals survive
 * restarts. Offered as `usageServiceRef` (moltbot/plugin-sdk/usage), RPC `usage.summary`,
 * `moltbot usage`, and the Prometheus counters `moltbot_model_tokens_total{model,kind}` and
 * `moltbot_model_cost_usd_total{model}`.
 */
import schema from '../../schemas/plugins/usage.json' with { type: 'json' };
import validate from '../../schemas/generated/usage.validate.ts';
import { definePlugin, MoltbotError } from '../../sdk/core/index.ts';
import { usageServiceRef, type ModelPrice } from '../../sdk/usage/index.ts';
import { redisServiceRef } from '../../sdk/redis/index.ts';
import { setupBudgets, type BudgetOptions } from './budgets.ts';
import { registerUsageCommand } from './cli.ts';
import { ledgerFile } from './ledger.ts';
import { DEFAULT_PRICES } from './prices.ts';
import { defineUsageMethods } from './rpc.ts';
import { createUsageService } from './service.ts';

export interface UsageOptions extends BudgetOptions {
  /** Rows replacing or adding to the shipped price table, keyed by model id or `provider/model` ref. */
  prices: Record<string, ModelPrice>;
}

export { DEFAULT_PRICES, PRICES_SOURCE } from './prices.ts';

export default definePlugin<UsageOptions>({
  name: 'usage',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Model usage and cost ledger: tokens and USD per call, `moltbot usage`, RPC usage.summary, Prometheus counters',
  schema,
  validate,
  provides: [usageServiceRef],
  consumes: [redisServiceRef],
  // agent: its `modelOutput` hook stops a call streaming past a hard budget.
  optionalDependencies: ['gateway', 'metrics', 'agent'],
  async setup(ctx, options) {
    const file = ledgerFile(ctx.paths.data);
    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => registerUsageCommand(program, cli, file));
    const prices = { ...DEFAULT_PRICES, ...options.prices };
    const budgets = setupBudgets(ctx, options, prices);
    if (budgets === undefined && options.redis !== undefined) {
      throw new MoltbotError('MOLT_ERR_PLUGIN_OPTIONS_INVALID', { message: 'usage plugin: options.redis shares budget counters, but no budget is configured', path: 'options.redis', plugin: ctx.name, fix: 'Add `budgets`, or remove `redis`.' });
    }
    const service = await createUsageService(file, prices, ctx.log, budgets?.replay);
    ctx.onClose(() => service.close());
    ctx.provide(usageServiceRef, service);
    budgets?.attach(service);
    ctx.hooks.modelResponse.tapPromise(ctx.name, async (response) => {
      const record = await service.record(response);
      if (record !== undefined) await budgets?.recorded(record);
    });
    // Tapped as "model": the figures are named for what they count, moltbot_model_*_total.
    ctx.hooks.collectMetrics.tap('model', (collector) => {
      for (const [model, totals] of service.totalsByModel()) {
        for (const kind of ['input', 'output', 'cached'] as const) collector.set('tokens_total', totals[kind], { model, kind });
        collector.set('cost_usd_total', totals.costUsd, { model });
      }
    });
    defineUsageMethods(ctx, service);
  },
});
