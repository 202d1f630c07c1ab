/**
 * Budget enforcement. Before each model call: hard budgets already used up refuse it
 * (MOLT_ERR_USAGE_BUDGET_EXCEEDED, alert once per period). While it streams (`agent.modelOutput`):
 * the spend so far plus this call's estimate reaching a hard limit stops it. After each
 * recorded call: the counters grow, and a budget passing its `alertAt` share alerts once per
 * period.
 */
import { MoltbotError, type Alert, type Logger, type ModelRequest } from '../../sdk/core/index.ts';
import type { ModelOutputProgress, ModelOutputStop } from '../../sdk/agent/index.ts';
import { costOf, type ModelPrice, type UsageRecord } from '../../sdk/usage/index.ts';
import type { Budget } from './budget-settings.ts';
import type { BudgetCounters, CounterKey, Spend } from './budget-counters.ts';
import { usageErrors } from './error-codes.ts';
import type { PeriodClock } from './periods.ts';

export interface BudgetGuardDeps {
  budgets: readonly Budget[];
  clock: PeriodClock;
  counters: BudgetCounters;
  priceOf(model: string): ModelPrice | undefined;
  alert(alert: Alert): void;
  log: Logger;
}

interface Applied {
  budget: Budget;
  key: CounterKey;
}

/** What a run's current call may still spend, taken when the call was allowed. */
interface CallAllowance {
  model: string;
  price: ModelPrice | undefined;
  hard: { applied: Applied; used: Spend }[];
}

/** Runs remembered between their call's start and its response (bounded: a failed call never reports). */
const MAX_OPEN_CALLS = 10_000;

const SCOPE_TEXT = { global: '', agent: ' of agent', session: ' of this session' } as const;

export class BudgetGuard {
  readonly #deps: BudgetGuardDeps;
  readonly #open = new Map<string, CallAllowance>();
  /** `budget|counter id` pairs that alerted already (once per period: the id names the period). */
  readonly #alerted = new Set<string>();
  /** The period names at a replay's `now`, named once for all its records. */
  #replayNow: { at: number; names: Record<'day' | 'month' | 'total', string> } | undefined;

  constructor(deps: BudgetGuardDeps) {
    this.#deps = deps;
  }

  /** The budgets that apply to a call of `agentId` in `sessionKey` at `at`, with their counters. */
  applied(agentId: string, sessionKey: string, at: number): Applied[] {
    const out: Applied[] = [];
    for (const budget of this.#deps.budgets) {
      if (budget.agent !== undefined && budget.agent !== agentId) continue;
      out.push(this.#counter(budget, this.#deps.clock.name(budget.period, at), agentId, sessionKey));
    }
    return out;
  }

  /**
   * The budgets a ledger record read at start still counts for: those whose current period
   * (at `now`) holds it. Called for every record of the ledger, so it formats no date twice.
   */
  replayed(record: UsageRecord, now: number): Applied[] {
    const out: Applied[] = [];
    for (const budget of this.#deps.budgets) {
      if (budget.agent !== undefined && budget.agent !== record.agentId) continue;
      if (this.#replayNow?.at !== now) {
        this.#replayNow = { at: now, names: { day: this.#deps.clock.name('day', now), month: this.#deps.clock.name('month', now), total: 'total' } };
      }
      const current = this.#replayNow.names[budget.period];
      const name = this.#deps.clock.name(budget.period, record.at);
      if (name === current) out.push(this.#counter(budget, name, record.agentId, record.sessionKey));
    }
    return out;
  }

  #counter(budget: Budget, periodName: string, agentId: string, sessionKey: string): Applied {
    const subject = budget.scope === 'global' ? '*' : budget.scope === 'agent' ? agentId : sessionKey;
    return { budget, key: { id: `${budget.scope}|${budget.period}|${periodName}|${subject}`, period: budget.period, periodName } };
  }

  /** `modelRequest`: refuses the call when a hard budget is used up; remembers what is left. */
  async beforeCall(request: ModelRequest): Promise<void> {
    const agentId = request.agentId ?? 'unknown';
    const sessionKey = request.sessionKey ?? 'unknown';
    const now = Date.now();
    const applied = this.applied(agentId, sessionKey, now).filter((a) => a.budget.hard);
    if (applied.length === 0) return;
    const used = await this.#deps.counters.read(applied.map((a) => a.key));
    for (let i = 0; i < applied.length; i++) {
      const a = applied[i]!;
      if (!reached(a.budget, used[i]!)) continue;
      const message = `${this.#describe(a, agentId, now)} is used up (${spentText(a.budget, used[i]!)}): no more model calls ${this.#until(a.budget)}.`;
      this.#alert(a, agentId, used[i]!, 'critical', `${message} A model call was refused.`);
      throw new MoltbotError(usageErrors.MOLT_ERR_USAGE_BUDGET_EXCEEDED, { message, plugin: 'usage', hook: 'modelRequest', data: { budget: a.budget.name, counter: a.key.id } });
    }
    if (this.#open.size >= MAX_OPEN_CALLS) this.#open.delete(this.#open.keys().next().value as string);
    this.#open.set(request.runId, { model: request.model, price: this.#deps.priceOf(request.model), hard: applied.map((a, i) => ({ applied: a, used: used[i]! })) });
  }

  /** `agent.modelOutput`: stops the call once what it spent so far reaches a hard limit. */
  onOutput(progress: ModelOutputProgress): ModelOutputStop | undefined {
    const open = this.#open.get(progress.runId);
    if (open === undefined) return undefined;
    const tokens = progress.inputTokens + progress.outputTokens;
    const usd = open.price === undefined ? 0 : costOf(open.price, { input: progress.inputTokens, output: progress.outputTokens });
    for (const { applied, used } of open.hard) {
      const total = { tokens: used.tokens + tokens, usd: used.usd + usd };
      if (!reached(applied.budget, total)) continue;
      this.#open.delete(progress.runId);
      const message = `The answer was stopped: ${this.#describe(applied, progress.agentId, Date.now())} was reached while the model was answering (${spentText(applied.budget, total)}); no more model calls ${this.#until(applied.budget)}.`;
      this.#alert(applied, progress.agentId, total, 'critical', message);
      return { stop: new MoltbotError(usageErrors.MOLT_ERR_USAGE_BUDGET_EXCEEDED, { message, plugin: 'usage', hook: 'agent.modelOutput', data: { budget: applied.budget.name, counter: applied.key.id } }) };
    }
    return undefined;
  }

  /** After a recorded call: counters grow; budgets passing their alert share alert once a period. */
  async recorded(record: UsageRecord): Promise<void> {
    this.#open.delete(record.runId);
    const applied = this.applied(record.agentId, record.sessionKey, record.at);
    if (applied.length === 0) return;
    const totals = await this.#deps.counters.add(applied.map((a) => a.key), spendOf(record));
    for (let i = 0; i < applied.length; i++) {
      const a = applied[i]!;
      if (a.budget.alertAt === undefined || !reached(a.budget, totals[i]!, a.budget.alertAt)) continue;
      const share = Math.round(a.budget.alertAt * 100);
      this.#alert(a, record.agentId, totals[i]!, 'warning',
        `${this.#describe(a, record.agentId, record.at)} is ${share}% spent or more (${spentText(a.budget, totals[i]!)})${a.budget.hard ? '; model calls stop at the limit' : ''}.`);
    }
  }

  #describe({ budget }: Applied, agentId: string, at: number): string {
    const when = budget.period === 'total' ? 'total' : `${budget.period === 'day' ? 'daily' : 'monthly'} (${this.#deps.clock.name(budget.period, at)}, ${this.#deps.clock.timeZone})`;
    const whose = budget.scope === 'agent' ? `${SCOPE_TEXT.agent} "${agentId}"` : SCOPE_TEXT[budget.scope];
    return `the ${when} ${budget.hard ? 'hard' : 'soft'} spend limit "${budget.name}"${whose}`;
  }

  #until(budget: Budget): string {
    return budget.period === 'day' ? 'until tomorrow' : budget.period === 'month' ? 'until next month' : budget.scope === 'session' ? 'in this session' : 'until the limit is raised';
  }

  #alert({ budget, key }: Applied, agentId: string, used: Spend, severity: Alert['severity'], message: string): void {
    const once = `${budget.name}|${severity}|${key.id}`;
    if (this.#alerted.has(once)) return;
    // Counter ids name their period, so old ones never match again; keep the set bounded.
    if (this.#alerted.size >= MAX_OPEN_CALLS) this.#alerted.clear();
    this.#alerted.add(once);
    const text = message.charAt(0).toUpperCase() + message.slice(1);
    this.#deps.alert({
      id: `usage.budget.${budget.name}`, severity, source: 'usage', message: text, state: 'firing', at: Date.now(),
      data: { budget: budget.name, scope: budget.scope, agentId, period: key.periodName, usedUsd: used.usd, usedTokens: used.tokens, ...(budget.usd !== undefined ? { limitUsd: budget.usd } : {}), ...(budget.tokens !== undefined ? { limitTokens: budget.tokens } : {}) },
    });
  }
}

export const spendOf = (record: UsageRecord): Spend => ({ tokens: record.input + record.output + record.cached, usd: record.costUsd ?? 0 });

/** Whether `used` reached `share` of any of the budget's limits. */
function reached(budget: Budget, used: Spend, share = 1): boolean {
  return (budget.usd !== undefined && used.usd >= budget.usd * share - 1e-9) || (budget.tokens !== undefined && used.tokens >= budget.tokens * share);
}

function spentText(budget: Budget, used: Spend): string {
  const parts: string[] = [];
  if (budget.usd !== undefined) parts.push(`$${used.usd.toFixed(4)} of $${budget.usd.toFixed(2)}`);
  if (budget.tokens !== undefined) parts.push(`${used.tokens} of ${budget.tokens} tokens`);
  return parts.join(', ');
}
