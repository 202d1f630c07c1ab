/**
 * The `metrics` service (plugin `metrics`): the deployment guide's `Metrics` shape, every figure
 * measured, plus what plugins report through `collectMetrics`.
 */
import type { SystemFigures } from './system.ts';

export interface AgentFigures {
  /** Distinct sessions that started an agent run within `sessionWindowMs`. */
  activeSessions: number;
  /** Mean model call latency in ms over the last 1000 calls. */
  averageResponseTime: number;
  p95ResponseTime: number;
  tokenUsage: { input: number; output: number; total: number };
}

export interface PluginFigure {
  plugin: string;
  name: string;
  value: number;
  labels: Record<string, string>;
}

export interface MetricsSnapshot {
  at: number;
  gateway: {
    /** Seconds since the kernel became ready (0 before). */
    uptime: number;
    activeConnections: number;
    requestsPerSecond: number;
    errorRate: number;
    /** Requests in the sliding window the two rates above are computed over. */
    windowRequests: number;
    requestsTotal: number;
    errorsTotal: number;
  };
  agents: AgentFigures;
  system: SystemFigures;
  plugins: PluginFigure[];
}

export interface MetricsService {
  /** Measures now (system deltas since the previous sample, at least `minSampleMs` apart). */
  snapshot(): Promise<MetricsSnapshot>;
  /** Prometheus text exposition of a fresh snapshot. */
  prometheus(): Promise<string>;
  /** The last snapshot taken, if any (what alerts read between scrapes). */
  last(): MetricsSnapshot | undefined;
}
