/**
 * `moltbot usage [--by agent|session|model|day] [--since <date>] [--json]`: reads the ledger
 * file under the state dir directly, so it answers with the gateway stopped too.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import { USAGE_GROUPS, parseSince, summarizeUsage, type UsageGroupBy, type UsageSummary, type UsageTotals } from '../../sdk/usage/index.ts';
import { readLedger } from './ledger.ts';

const usd = (totals: UsageTotals) => `$${totals.costUsd.toFixed(4)}${totals.unpriced > 0 ? ` (+${totals.unpriced} unpriced call${totals.unpriced === 1 ? '' : 's'})` : ''}`;

export function formatUsage(summary: UsageSummary): string {
  if (summary.groups.length === 0) return `no model usage recorded${summary.since === null ? '' : ` since ${new Date(summary.since).toISOString()}`}`;
  const rows = [[summary.by, 'calls', 'input', 'cached', 'output', 'cost'], ...[...summary.groups, { key: 'total', ...summary.total }].map((g) => [g.key, String(g.calls), String(g.input), String(g.cached), String(g.output), usd(g)])];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd()).join('\n');
}

function groupArg(value: string): UsageGroupBy {
  if (!(USAGE_GROUPS as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${USAGE_GROUPS.join(', ')}`);
  return value as UsageGroupBy;
}

function sinceArg(value: string): number {
  try {
    return parseSince(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function registerUsageCommand(program: Command, cli: CliContext, file: string): void {
  program
    .command('usage')
    .description('model tokens and cost recorded by the usage plugin')
    .option('--by <group>', `group by ${USAGE_GROUPS.join('|')} (days are UTC)`, groupArg, 'model' as UsageGroupBy)
    .option('--since <date>', 'only calls from this date (YYYY-MM-DD, UTC) or ISO timestamp on', sinceArg)
    .option('--json', 'print the summary as JSON')
    .action(async (options: { by: UsageGroupBy; since?: number; json?: boolean }) => {
      const summary = summarizeUsage((await readLedger(file)).records, { by: options.by, ...(options.since === undefined ? {} : { since: options.since }) });
      cli.print(options.json ? JSON.stringify(summary, null, 2) : formatUsage(summary));
    });
}
