/** The usage ledger's contract: one record per model call, prices, summaries. */

/** One model call's usage, as the ledger stores it (one JSONL line). */
export interface UsageRecord {
  /** ms since the epoch, when the call finished. */
  at: number;
  runId: string;
  agentId: string;
  sessionKey: string;
  /** The model ref the call went to (`provider/model`). */
  model: string;
  /** Input tokens at the full rate (cache reads excluded). */
  input: number;
  output: number;
  /** Input tokens read from the prompt cache. */
  cached: number;
  /** USD; null when no price is known for the model (tokens are still counted). */
  costUsd: number | null;
}

/** USD per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
  /** Cached-input rate; the input rate when absent. */
  cachedInput?: number;
}

export type PriceTable = Readonly<Record<string, ModelPrice>>;

export type UsageGroupBy = 'agent' | 'session' | 'model' | 'day';

export interface UsageQuery {
  by?: UsageGroupBy;
  /** Only records at or after this time (ms since the epoch). */
  since?: number;
}

export interface UsageTotals {
  calls: number;
  input: number;
  output: number;
  cached: number;
  /** Sum of the known costs. */
  costUsd: number;
  /** Calls whose model had no price (their cost is not in `costUsd`). */
  unpriced: number;
}

export interface UsageSummary {
  by: UsageGroupBy;
  since: number | null;
  /** Sorted by key. */
  groups: (UsageTotals & { key: string })[];
  total: UsageTotals;
}

/** Provided by the `usage` plugin: the ledger budgets and reports read. */
export interface UsageService {
  summary(query?: UsageQuery): Promise<UsageSummary>;
  /** Lifetime totals per model (since the ledger began), as /metrics exports them. */
  totalsByModel(): ReadonlyMap<string, UsageTotals>;
  /** The price the ledger uses for a model ref, or undefined when none is known. */
  priceOf(model: string): ModelPrice | undefined;
}
