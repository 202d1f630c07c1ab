/** Groups ledger records for `moltbot usage` and RPC `usage.summary`. */
import type { UsageGroupBy, UsageQuery, UsageRecord, UsageSummary, UsageTotals } from './types.ts';

export const USAGE_GROUPS: readonly UsageGroupBy[] = Object.freeze(['agent', 'session', 'model', 'day']);

export const emptyTotals = (): UsageTotals => ({ calls: 0, input: 0, output: 0, cached: 0, costUsd: 0, unpriced: 0 });

export function addRecord(totals: UsageTotals, record: UsageRecord): void {
  totals.calls += 1;
  totals.input += record.input;
  totals.output += record.output;
  totals.cached += record.cached;
  if (record.costUsd === null) totals.unpriced += 1;
  else totals.costUsd = Math.round((totals.costUsd + record.costUsd) * 1e8) / 1e8;
}

/** Days are UTC calendar days (YYYY-MM-DD), the same on every host. */
function keyOf(record: UsageRecord, by: UsageGroupBy): string {
  switch (by) {
    case 'agent': return record.agentId;
    case 'session': return record.sessionKey;
    case 'model': return record.model;
    case 'day': return new Date(record.at).toISOString().slice(0, 10);
  }
}

export function summarizeUsage(records: Iterable<UsageRecord>, query: UsageQuery = {}): UsageSummary {
  const by = query.by ?? 'model';
  const groups = new Map<string, UsageTotals>();
  const total = emptyTotals();
  for (const record of records) {
    if (query.since !== undefined && record.at < query.since) continue;
    const key = keyOf(record, by);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = emptyTotals()));
    addRecord(group, record);
    addRecord(total, record);
  }
  return {
    by,
    since: query.since ?? null,
    groups: [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, totals]) => ({ key, ...totals })),
    total,
  };
}

/**
 * `--since` / `since`: a date (`2026-12-01`, UTC midnight) or an ISO timestamp. Anything else
 * is refused with the accepted forms, never read as "no limit".
 */
export function parseSince(text: string): number {
  const at = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) throw new RangeError(`since "${text}" is not a date: use YYYY-MM-DD (UTC) or an ISO timestamp`);
  return at;
}
