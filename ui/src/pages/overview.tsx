/** Live figures pushed by the gateway (metrics.subscribe → metrics.tick) and their recent history. */
import { useEffect, useState } from 'preact/hooks';
import { Chart } from '../chart.tsx';
import { bytes, duration, percent } from '../format.ts';
import { Problem, type PageProps } from '../use-rpc.tsx';

const KEEP = 150;

interface Snapshot {
  at: number;
  gateway: { uptime: number; activeConnections: number; requestsPerSecond: number; errorRate: number; requestsTotal: number; errorsTotal: number };
  agents: { activeSessions: number; averageResponseTime: number; tokenUsage: { input: number; output: number; total: number } };
  system: { cpuUsage: number; processCpu: number; memoryUsage: number; diskUsage: number; memory: { rssBytes: number }; disk: { freeBytes: number } };
}

async function settings(): Promise<{ metricsIntervalMs: number }> {
  try {
    const response = await fetch('settings.json', { cache: 'no-cache' });
    return (await response.json()) as { metricsIntervalMs: number };
  } catch {
    return { metricsIntervalMs: 2000 };
  }
}

export function Overview({ gateway }: PageProps) {
  const [history, setHistory] = useState<Snapshot[]>([]);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (!gateway.has('metrics.subscribe')) {
      setError('This gateway has no live metrics (the metrics plugin is not loaded).');
      return;
    }
    const add = (snapshot: Snapshot) => setHistory((previous) => [...previous.slice(-(KEEP - 1)), snapshot]);
    const off = gateway.on('metrics.tick', add);
    settings()
      .then(({ metricsIntervalMs }) => gateway.request<{ snapshot: Snapshot }>('metrics.subscribe', { intervalMs: metricsIntervalMs }))
      .then(({ snapshot }) => add(snapshot), (failure: Error) => setError(failure.message));
    return () => {
      off();
      gateway.request('metrics.unsubscribe', {}).catch(() => undefined);
    };
  }, [gateway]);
  const last = history.at(-1);
  const times = history.map((s) => s.at / 1000);
  const cards: [string, string, string][] = last ? [
    ['uptime', 'Uptime', duration(last.gateway.uptime)],
    ['connections', 'Connections', String(last.gateway.activeConnections)],
    ['requests-per-second', 'Requests/s', last.gateway.requestsPerSecond.toFixed(2)],
    ['requests-total', 'Requests total', String(last.gateway.requestsTotal)],
    ['error-rate', 'Error rate', percent(last.gateway.errorRate)],
    ['cpu', 'Host CPU', percent(last.system.cpuUsage)],
    ['memory', 'Host memory', percent(last.system.memoryUsage)],
    ['disk', 'Disk used', percent(last.system.diskUsage)],
    ['rss', 'Gateway RSS', bytes(last.system.memory.rssBytes)],
    ['sessions', 'Active sessions', String(last.agents.activeSessions)],
    ['tokens', 'Tokens used', String(last.agents.tokenUsage.total)],
  ] : [];
  return (
    <section aria-label="Live metrics">
      <Problem text={error} />
      {!last && !error && <p class="loading">Waiting for the first figures…</p>}
      <dl class="cards" aria-live="off">
        {cards.map(([id, label, value]) => (
          <div class="card" key={id}>
            <dt>{label}</dt>
            <dd data-metric={id}>{value}</dd>
          </div>
        ))}
      </dl>
      {last && (
        <div class="charts">
          <Chart title="Requests per second" series={[{ label: 'req/s', stroke: '#2563eb' }]} data={[times, history.map((s) => s.gateway.requestsPerSecond)]} format={(v) => v.toFixed(2)} />
          <Chart title="Error rate" series={[{ label: 'errors', stroke: '#dc2626' }]} data={[times, history.map((s) => s.gateway.errorRate * 100)]} format={(v) => `${v.toFixed(0)}%`} />
          <Chart title="CPU and memory" series={[{ label: 'CPU', stroke: '#16a34a' }, { label: 'memory', stroke: '#9333ea' }]} data={[times, history.map((s) => s.system.cpuUsage * 100), history.map((s) => s.system.memoryUsage * 100)]} format={(v) => `${v.toFixed(0)}%`} />
          <Chart title="Tokens used" series={[{ label: 'tokens', stroke: '#ea580c' }]} data={[times, history.map((s) => s.agents.tokenUsage.total)]} format={(v) => v.toFixed(0)} />
        </div>
      )}
    </section>
  );
}
