/**
 * Model usage and cost (the usage plugin's `usage.summary`): a daily chart of tokens and cost
 * over the chosen window, and a table grouped by model, agent, session or day. The page reloads
 * when a run this connection sees finishes, and on Refresh.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Chart } from '../chart.tsx';
import { Problem, useRpc, type PageProps } from '../use-rpc.tsx';

type By = 'model' | 'agent' | 'session' | 'day';
interface Totals { calls: number; input: number; output: number; cached: number; costUsd: number; unpriced: number }
interface Summary { by: By; since: number | null; groups: (Totals & { key: string })[]; total: Totals }

const WINDOWS = [{ days: 1, label: 'Today (UTC)' }, { days: 7, label: 'Last 7 days' }, { days: 30, label: 'Last 30 days' }, { days: 365, label: 'Last 365 days' }];
const GROUPS: { by: By; label: string }[] = [{ by: 'model', label: 'Model' }, { by: 'agent', label: 'Agent' }, { by: 'session', label: 'Session' }, { by: 'day', label: 'Day (UTC)' }];
const DAY_MS = 86_400_000;

const usd = (value: number) => (value >= 1 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`);
const count = (value: number) => value.toLocaleString();

/** First UTC day of the window, as `usage.summary`'s `since` (days are UTC there too). */
function sinceOf(days: number, now = Date.now()): string {
  return new Date(Math.floor(now / DAY_MS) * DAY_MS - (days - 1) * DAY_MS).toISOString().slice(0, 10);
}

/** One point per UTC day of the window, zero on days without calls, so the chart has no gaps. */
function dailySeries(summary: Summary | undefined, since: string): number[][] {
  const byDay = new Map(summary?.groups.map((group) => [group.key, group]) ?? []);
  const start = Date.parse(`${since}T00:00:00Z`);
  const end = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const series: number[][] = [[], [], []];
  for (let day = start; day <= end; day += DAY_MS) {
    const group = byDay.get(new Date(day).toISOString().slice(0, 10));
    series[0]!.push(day / 1000);
    series[1]!.push(group ? group.input + group.cached + group.output : 0);
    series[2]!.push(group?.costUsd ?? 0);
  }
  return series;
}

export function Usage({ gateway }: PageProps) {
  const [days, setDays] = useState(7);
  const [by, setBy] = useState<By>('model');
  const since = sinceOf(days);
  const table = useRpc<Summary>(gateway, 'usage.summary', { by, since });
  const daily = useRpc<Summary>(gateway, 'usage.summary', { by: 'day', since });
  const reload = () => {
    table.reload();
    daily.reload();
  };
  // A run this page's connection sees finish (chat.final) has just been recorded.
  useEffect(() => gateway.on('chat.final', reload), [gateway, table.reload, daily.reload]);
  const series = useMemo(() => dailySeries(daily.data, since), [daily.data, since]);
  const [dayStarts, tokens, cost] = series as [number[], number[], number[]];
  const total = table.data?.total;
  return (
    <>
      <div class="controls">
        <button type="button" onClick={reload}>Refresh</button>
        <label>Window{' '}
          <select value={days} onChange={(event) => setDays(Number((event.target as HTMLSelectElement).value))}>
            {WINDOWS.map((w) => <option key={w.days} value={w.days}>{w.label}</option>)}
          </select>
        </label>
        <label>Group by{' '}
          <select value={by} onChange={(event) => setBy((event.target as HTMLSelectElement).value as By)}>
            {GROUPS.map((g) => <option key={g.by} value={g.by}>{g.label}</option>)}
          </select>
        </label>
      </div>
      <Problem text={table.error ?? daily.error} />
      {total && (
        <p data-testid="usage-total">
          {count(total.calls)} model calls · {count(total.input + total.cached)} tokens in ({count(total.cached)} cached) ·
          {' '}{count(total.output)} out · <strong>{usd(total.costUsd)}</strong>
          {total.unpriced > 0 && <> · {total.unpriced} calls to models without a price (not in the cost)</>}
        </p>
      )}
      <div class="charts">
        <Chart title="Tokens per day" series={[{ label: 'tokens', stroke: '#3b82f6' }]} data={[dayStarts, tokens]} format={count} />
        <Chart title="Cost per day (USD)" series={[{ label: 'USD', stroke: '#f59e0b' }]} data={[dayStarts, cost]} format={usd} />
      </div>
      {table.data && (
        table.data.groups.length === 0 ? <p class="muted">No model call in this window.</p> : (
          <table>
            <caption>Usage by {GROUPS.find((g) => g.by === table.data!.by)?.label.toLowerCase()}</caption>
            <thead><tr><th scope="col">{GROUPS.find((g) => g.by === table.data!.by)?.label}</th><th scope="col">Calls</th><th scope="col">Input</th><th scope="col">Cached</th><th scope="col">Output</th><th scope="col">Cost</th></tr></thead>
            <tbody>
              {table.data.groups.map((group) => (
                <tr key={group.key} data-usage-key={group.key}>
                  <th scope="row">{group.key}</th>
                  <td>{count(group.calls)}</td>
                  <td>{count(group.input)}</td>
                  <td>{count(group.cached)}</td>
                  <td>{count(group.output)}</td>
                  <td>{group.unpriced === group.calls ? 'no price' : usd(group.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </>
  );
}
