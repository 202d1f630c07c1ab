/**
 * Threshold rules over a metrics snapshot: the root config's `alerts.thresholds` (CPU, memory,
 * error rate, disk, event-loop delay) and `alerts.rules` on any figure by dotted path. Rates
 * need evidence: CPU, error rate and event-loop delay are not judged during the start-up
 * warm-up, the error rate needs a minimum number of requests in its window, and host CPU is
 * measured over the span since the previous check (not the last, possibly sub-second, sample).
 */
import type { Severity } from '../../sdk/core/index.ts';
import type { MetricsSnapshot } from '../../sdk/ops/index.ts';

export interface Thresholds {
  cpuWarning: number;
  cpuCritical: number;
  memoryCritical: number;
  errorRateCritical: number;
  diskWarning: number;
  diskCritical: number;
  eventLoopDelayWarning: number;
  eventLoopDelayCritical: number;
}

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({
  cpuWarning: 0.8,
  cpuCritical: 0.95,
  memoryCritical: 0.9,
  errorRateCritical: 0.1,
  diskWarning: 0.85,
  diskCritical: 0.95,
  eventLoopDelayWarning: 200,
  eventLoopDelayCritical: 1000,
});

/** When a rate stands on enough evidence (root config `alerts.warmup`, `alerts.minRequests`). */
export interface AlertGates {
  /** After the kernel is ready, CPU, error-rate and event-loop rules wait this long (ms): start-up bursts are not incidents. */
  warmupMs: number;
  /** Fewest requests in the metrics window for an error-rate verdict (3 typos of 11 requests are not 27 % errors). */
  minRequests: number;
}

export const DEFAULT_GATES: Readonly<AlertGates> = Object.freeze({ warmupMs: 120_000, minRequests: 20 });

export interface MetricRule {
  metric: string;
  above: number;
  severity?: Severity;
  id?: string;
}

export interface Rule {
  id: string;
  /** What the message calls the figure. */
  label: string;
  read(snapshot: MetricsSnapshot): number | undefined;
  /** Why the reading is not judged now (too early, too few samples); undefined when it is. */
  gate?(snapshot: MetricsSnapshot): string | undefined;
  /** Highest level first; the first crossed decides the severity. */
  levels: { above: number; severity: Severity }[];
  format(value: number): string;
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

/** Host CPU busy share between this reading and the previous one (undefined at the first). */
function cpuBetweenChecks(): (s: MetricsSnapshot) => number | undefined {
  let previous: { busy: number; total: number } | undefined;
  return (s) => {
    const ticks = s.system.cpuTicks;
    const last = previous;
    previous = ticks;
    if (last === undefined || ticks.total - last.total <= 0) return undefined;
    return Math.min(1, Math.max(0, (ticks.busy - last.busy) / (ticks.total - last.total)));
  };
}

export function buildRules(thresholds: Thresholds, extra: readonly MetricRule[] = [], gates: AlertGates = DEFAULT_GATES): Rule[] {
  const warming = (s: MetricsSnapshot) => (s.gateway.uptime * 1000 < gates.warmupMs ? `warming up (${Math.round(s.gateway.uptime)} s of ${gates.warmupMs / 1000} s since start)` : undefined);
  return [
    { id: 'cpu', label: 'host CPU use', read: cpuBetweenChecks(), gate: warming, format: percent, levels: [{ above: thresholds.cpuCritical, severity: 'critical' }, { above: thresholds.cpuWarning, severity: 'warning' }] },
    { id: 'memory', label: 'host memory use', read: (s) => s.system.memoryUsage, format: percent, levels: [{ above: thresholds.memoryCritical, severity: 'critical' }] },
    {
      id: 'errorRate', label: 'RPC error rate', read: (s) => s.gateway.errorRate, format: percent, levels: [{ above: thresholds.errorRateCritical, severity: 'critical' }],
      gate: (s) => warming(s) ?? (s.gateway.windowRequests < gates.minRequests ? `${s.gateway.windowRequests} requests in the window, fewer than ${gates.minRequests}` : undefined),
    },
    { id: 'disk', label: 'state dir disk use', read: (s) => s.system.diskUsage, format: percent, levels: [{ above: thresholds.diskCritical, severity: 'critical' }, { above: thresholds.diskWarning, severity: 'warning' }] },
    { id: 'eventLoopDelay', label: 'event-loop delay p99', read: (s) => s.system.eventLoopDelay, gate: warming, format: ms, levels: [{ above: thresholds.eventLoopDelayCritical, severity: 'critical' }, { above: thresholds.eventLoopDelayWarning, severity: 'warning' }] },
    ...extra.map((rule): Rule => ({
      id: rule.id ?? `rule:${rule.metric}`,
      label: rule.metric,
      read: (s) => readMetric(s, rule.metric),
      format: (value) => String(Number(value.toPrecision(6))),
      levels: [{ above: rule.above, severity: rule.severity ?? 'warning' }],
    })),
  ];
}

/** A dotted path in the snapshot, else `<plugin>.<name>` of a plugin figure (largest across labels). */
export function readMetric(snapshot: MetricsSnapshot, path: string): number | undefined {
  let node: unknown = snapshot;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) {
      node = undefined;
      break;
    }
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'number') return node;
  const dot = path.indexOf('.');
  if (dot === -1) return undefined;
  const plugin = path.slice(0, dot);
  const name = path.slice(dot + 1);
  const values = snapshot.plugins.filter((f) => f.plugin === plugin && f.name === name).map((f) => f.value);
  return values.length > 0 ? Math.max(...values) : undefined;
}
