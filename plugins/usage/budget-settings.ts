/**
 * The `budgets` option, checked beyond its schema: a limit in USD or tokens, `agent` only on
 * an agent budget, unique names, a time zone Node knows. Errors name the option's path.
 */
import { MoltbotError } from '../../sdk/core/index.ts';
import { isTimeZone, machineTimeZone } from '../../sdk/core/index.ts';
import type { BudgetPeriod } from './periods.ts';

export type BudgetScope = 'global' | 'agent' | 'session';

/** One entry of the `budgets` option, as the user writes it. */
export interface BudgetOption {
  name?: string;
  scope: BudgetScope;
  agent?: string;
  period: BudgetPeriod;
  usd?: number;
  tokens?: number;
  mode: 'hard' | 'soft';
  alertAt?: number;
}

export interface Budget {
  name: string;
  scope: BudgetScope;
  /** With scope agent: the one agent it applies to (undefined: each agent). */
  agent: string | undefined;
  period: BudgetPeriod;
  usd: number | undefined;
  tokens: number | undefined;
  hard: boolean;
  /** Share of the limit that alerts (undefined: no early alert). */
  alertAt: number | undefined;
}

const PATH = 'options.budgets';

function invalid(message: string, path: string, fix: string): MoltbotError {
  return new MoltbotError('MOLT_ERR_PLUGIN_OPTIONS_INVALID', { message, path, plugin: 'usage', fix });
}

export function resolveBudgets(options: readonly BudgetOption[]): Budget[] {
  const names = new Set<string>();
  return options.map((option, index) => {
    const path = `${PATH}[${index}]`;
    if (option.usd === undefined && option.tokens === undefined) {
      throw invalid(`usage plugin: ${path} has no limit`, path, 'Add `usd` (a limit in US dollars) or `tokens` (input + output + cached tokens), or both.');
    }
    if (option.agent !== undefined && option.scope !== 'agent') {
      throw invalid(`usage plugin: ${path}.agent is only for scope "agent" (this budget's scope is "${option.scope}")`, `${path}.agent`, 'Set `scope: "agent"` to limit one agent, or remove `agent`.');
    }
    const name = option.name ?? [option.scope, option.agent, option.period].filter(Boolean).join('-');
    if (names.has(name)) {
      throw invalid(`usage plugin: ${path} has the same name as an earlier budget ("${name}")`, `${path}.name`, 'Give each budget its own `name` (alerts and messages are named by it).');
    }
    names.add(name);
    return {
      name,
      scope: option.scope,
      agent: option.agent,
      period: option.period,
      usd: option.usd,
      tokens: option.tokens,
      hard: option.mode !== 'soft',
      alertAt: option.alertAt ?? (option.mode === 'soft' ? 0.8 : undefined),
    };
  });
}

export function resolveTimeZone(zone: string | undefined): string {
  if (zone === undefined) return machineTimeZone();
  if (!isTimeZone(zone)) {
    throw invalid(`usage plugin: options.timezone "${zone}" is not an IANA time zone`, 'options.timezone', 'Use a zone name such as "Europe/Paris", "America/New_York" or "UTC", or remove `timezone` to use the machine\'s zone.');
  }
  return zone;
}
