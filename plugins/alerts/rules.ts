/**
 * Threshold rules over a metrics snapshot: the root config's `alerts.thresholds` (CPU, memory,
 * error rate, disk, event-loop delay) and `alerts.rules` on any figure by dotted path.
 */
import type { Severity } from '../../core/hook-types.ts';
import type { MetricsSnapshot } from '../metrics/snapshot.ts';

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
  /** Highest level first; the first crossed decides the severity. */
  levels: { above: number; severity: Severity }[];
  format(value: number): string;
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

export function buildRules(thresholds: Thresholds, extra: readonly MetricRule[] = []): Rule[] {
  return [
    { id: 'cpu', label: 'host CPU use', read: (s) => s.system.cpuUsage, format: percent, levels: [{ above: thresholds.cpuCritical, severity: 'critical' }, { above: thresholds.cpuWarning, severity: 'warning' }] },
    { id: 'memory', label: 'host memory use', read: (s) => s.system.memoryUsage, format: percent, levels: [{ above: thresholds.memoryCritical, severity: 'critical' }] },
    { id: 'errorRate', label: 'RPC error rate', read: (s) => s.gateway.errorRate, format: percent, levels: [{ above: thresholds.errorRateCritical, severity: 'critical' }] },
    { id: 'disk', label: 'state dir disk use', read: (s) => s.system.diskUsage, format: percent, levels: [{ above: thresholds.diskCritical, severity: 'critical' }, { above: thresholds.diskWarning, severity: 'warning' }] },
    { id: 'eventLoopDelay', label: 'event-loop delay p99', read: (s) => s.system.eventLoopDelay, format: ms, levels: [{ above: thresholds.eventLoopDelayCritical, severity: 'critical' }, { above: thresholds.eventLoopDelayWarning, severity: 'warning' }] },
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
