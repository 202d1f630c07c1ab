/**
 * Wires the `budgets` option: counters rebuilt from the ledger (current periods only), in
 * memory or shared through Redis; `modelRequest` waits for the ledger's fsync and refuses a
 * call a hard budget forbids; `agent.modelOutput` stops a call streaming past one; every
 * recorded call grows the counters and may alert.
 */
import { type PluginContext } from '../../sdk/core/index.ts';
import { agentHooksRef, type AgentHooks } from '../../sdk/agent/index.ts';
import { findPrice, type PriceTable, type UsageRecord } from '../../sdk/usage/index.ts';
import { redisServiceRef, redisSettings, type RedisConnection } from '../../sdk/redis/index.ts';
import { MemoryCounters, type BudgetCounters } from './budget-counters.ts';
import { BudgetGuard, spendOf } from './budget-guard.ts';
import { resolveBudgets, resolveTimeZone, type BudgetOption } from './budget-settings.ts';
import { PeriodClock } from './periods.ts';
import { RedisCounters } from './redis-counters.ts';
import type { UsageLedgerService } from './service.ts';

export interface BudgetOptions {
  budgets: readonly BudgetOption[];
  timezone?: string;
  redis?: { url?: string; keyPrefix?: string };
}

export interface BudgetWiring {
  /** Feeds one ledger record read at start (ignored unless it is in a current period). */
  replay(record: UsageRecord): void;
  /** Taps the hooks once the ledger service exists. */
  attach(service: UsageLedgerService): void;
  /** After each recorded call (`modelResponse`): counters and alerts. */
  recorded(record: UsageRecord): Promise<void>;
}

type Ctx = Pick<PluginContext, 'name' | 'hooks' | 'log' | 'hooksOf' | 'use' | 'onClose' | 'config'>;

/** Undefined when no budget is configured: then nothing is tapped and calls cost nothing more. */
export function setupBudgets(ctx: Ctx, options: BudgetOptions, prices: PriceTable): BudgetWiring | undefined {
  const budgets = resolveBudgets(options.budgets);
  const written = options.timezone === undefined ? undefined : resolveTimeZone(options.timezone);
  if (budgets.length === 0) return undefined;
  // The machine's zone is looked up only when a budget needs it: the lookup loads ICU's zone
  // data, 20-30 ms of every start otherwise.
  const clock = new PeriodClock(written ?? resolveTimeZone(undefined));
  const local = new MemoryCounters();
  let connection: RedisConnection | undefined;
  let counters: BudgetCounters = local;
  let shared: RedisCounters | undefined;
  if (options.redis !== undefined) {
    const { url, keyPrefix } = redisSettings(options.redis, ctx.config);
    counters = shared = new RedisCounters(local, () => (connection?.client.isReady ? connection.client : undefined), keyPrefix, ctx.log);
    ctx.hooks.start.tapPromise(ctx.name, async () => {
      connection = await ctx.use(redisServiceRef).connect({ url, user: ctx.name });
      await shared!.seed();
    });
    ctx.onClose(() => connection?.close());
  }
  const guard = new BudgetGuard({
    budgets,
    clock,
    counters,
    priceOf: (model) => findPrice(prices, model),
    alert: (alert) => void ctx.hooks.alert.promise(alert).catch((error: unknown) => ctx.log.warn({ err: error }, 'an alert sink failed')),
    log: ctx.log,
  });
  const startedAt = Date.now();
  return {
    replay(record) {
      const applied = guard.replayed(record, startedAt);
      if (applied.length > 0) local.addNow(applied.map((a) => a.key), spendOf(record));
    },
    attach(service) {
      ctx.hooks.modelRequest.tapPromise(ctx.name, async (request) => {
        // Never under-count after a crash: what was spent is on disk before more is spent.
        await service.flushed();
        await guard.beforeCall(request);
        return request;
      });
      let agentHooks: Readonly<AgentHooks> | undefined;
      try {
        agentHooks = ctx.hooksOf(agentHooksRef);
      } catch {
        agentHooks = undefined; // no agent plugin: nothing streams here
      }
      agentHooks?.modelOutput.tap(ctx.name, (progress) => guard.onOutput(progress));
    },
    recorded: (record) => guard.recorded(record),
  };
}
