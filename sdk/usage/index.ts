/**
 * `moltbot/plugin-sdk/usage`: model usage and cost accounting.
 *
 * - `usageServiceRef` (service `usage`, provided by the `usage` plugin): the ledger of every
 *   model call (tokens in / out / cached, cost in USD from the price table), its summaries and
 *   lifetime totals per model. Budgets and reports read it.
 * - Pure helpers any plugin may use: `findPrice` / `costOf` (price table lookups),
 *   `summarizeUsage` (grouping by agent, session, model or UTC day), `parseSince`.
 */
import { createServiceRef } from '../core/index.ts';
import type { UsageService } from './types.ts';

export type * from './types.ts';
export { costOf, findPrice } from './cost.ts';
export { USAGE_GROUPS, addRecord, emptyTotals, parseSince, summarizeUsage } from './summarize.ts';

export const usageServiceRef = createServiceRef<UsageService>({
  id: 'usage',
  description: 'Model usage ledger: tokens and cost per call, summaries, totals per model',
});
