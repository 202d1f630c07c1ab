/**
 * Prometheus text (prom-client, on a registry of our own so nothing global leaks between
 * kernels), typed as Prometheus expects: totals are Counters (`*_total`), model call latency
 * is a Histogram, readings of now are Gauges. Rates and quantiles are left to PromQL
 * (`rate()`, `histogram_quantile()`): the in-process per-second, error-rate and p95 figures stay
 * in RPC `metrics`, not here. Every plugin figure is a gauge `moltbot_<plugin>_<name>`, except
 * one named `*_total`: a running total, exported as a counter (it never goes down).
 * `promtool check metrics` accepts the output (test/plugins/metrics/prometheus.test.ts).
 */
import client from 'prom-client';
import type { Logger } from '../../sdk/core/index.ts';
import type { MetricsSnapshot } from '../../sdk/ops/index.ts';

const GAUGES: readonly [string, string, (s: MetricsSnapshot) => number | undefined][] = [
  ['moltbot_gateway_uptime_seconds', 'Seconds since the kernel became ready.', (s) => s.gateway.uptime],
  ['moltbot_gateway_active_connections', 'Open WebSocket connections.', (s) => s.gateway.activeConnections],
  ['moltbot_agents_active_sessions', 'Sessions with an agent run in the recent window.', (s) => s.agents.activeSessions],
  ['moltbot_system_cpu_usage', 'Busy share of every host core since the previous sample (0..1).', (s) => s.system.cpuUsage],
  ['moltbot_process_cpu_cores', 'CPU used by this process since the previous sample, in cores.', (s) => s.system.processCpu],
  ['moltbot_system_memory_usage', 'Used share of host memory (0..1).', (s) => s.system.memoryUsage],
  ['moltbot_process_resident_memory_bytes', 'Resident set size of this process.', (s) => s.system.memory.rssBytes],
  ['moltbot_process_heap_used_bytes', 'V8 heap in use.', (s) => s.system.memory.heapUsedBytes],
  ['moltbot_system_disk_usage', 'Used share of the filesystem holding the state dir, as df: used / (used + available).', (s) => s.system.diskUsage],
  ['moltbot_system_disk_free_bytes', 'Bytes available to unprivileged users on the filesystem holding the state dir.', (s) => s.system.disk.freeBytes],
  ['moltbot_event_loop_delay_p99_seconds', 'Event-loop delay p99 since the previous sample (the monitor interval taken off).', (s) => s.system.eventLoopDelay / 1000],
];

/** Counters fed from monotonic totals of the snapshot: each render adds what the total grew by. */
const COUNTERS: readonly [string, string, string | undefined, (s: MetricsSnapshot) => Record<string, number> | undefined][] = [
  ['moltbot_gateway_requests_total', 'RPC requests of authenticated clients since start (refusals included).', undefined, (s) => ({ '': s.gateway.requestsTotal })],
  ['moltbot_gateway_errors_total', 'RPC error answers since start (refusals included).', undefined, (s) => ({ '': s.gateway.errorsTotal })],
  ['moltbot_agents_tokens_total', 'Model tokens used since start, as models report them.', 'kind', (s) => ({ input: s.agents.tokenUsage.input, output: s.agents.tokenUsage.output })],
  // Host counters since boot; absent where the platform's are not measured (no /proc/net/dev).
  ['moltbot_system_network_receive_bytes_total', 'Bytes received on every interface (loopback included) since boot.', undefined, (s) => (s.system.networkTotals ? { '': s.system.networkTotals.in } : undefined)],
  ['moltbot_system_network_transmit_bytes_total', 'Bytes sent on every interface (loopback included) since boot.', undefined, (s) => (s.system.networkTotals ? { '': s.system.networkTotals.out } : undefined)],
];

/** Model calls last from a fraction of a second to minutes. */
const MODEL_CALL_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

interface FedCounter {
  counter: client.Counter;
  label: string | undefined;
  read: (s: MetricsSnapshot) => Record<string, number> | undefined;
  exported: Map<string, number>;
}

export class PrometheusExporter {
  readonly registry = new client.Registry();
  readonly #gauges: [client.Gauge, (s: MetricsSnapshot) => number | undefined][];
  readonly #counters: FedCounter[];
  readonly #modelCalls: client.Histogram;
  readonly #plugin = new Map<string, { gauge: client.Gauge; labels: string }>();
  /** Plugin figures named `*_total`: running totals, exported as counters fed by their growth. */
  readonly #pluginCounters = new Map<string, { counter: client.Counter; labels: string; exported: Map<string, number> }>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
    this.#gauges = GAUGES.map(([name, help, read]) => [new client.Gauge({ name, help, registers: [this.registry] }), read]);
    this.#counters = COUNTERS.map(([name, help, label, read]) => ({
      counter: new client.Counter({ name, help, labelNames: label ? [label] : [], registers: [this.registry] }),
      label,
      read,
      exported: new Map(),
    }));
    this.#modelCalls = new client.Histogram({
      name: 'moltbot_agents_model_call_duration_seconds',
      help: 'Model call latency (modelRequest to modelResponse of a run).',
      buckets: MODEL_CALL_BUCKETS,
      registers: [this.registry],
    });
  }

  /** One model call's latency (ms), as the agent tracker measured it. */
  observeModelCall(ms: number): void {
    this.#modelCalls.observe(ms / 1000);
  }

  async render(snapshot: MetricsSnapshot): Promise<string> {
    for (const [gauge, read] of this.#gauges) {
      const value = read(snapshot);
      if (value !== undefined) gauge.set(value);
    }
    for (const fed of this.#counters) this.#feed(fed, snapshot);
    for (const gauge of this.#plugin.values()) gauge.gauge.reset();
    for (const figure of snapshot.plugins) {
      const name = `moltbot_${figure.plugin}_${figure.name}`.replace(/[^a-zA-Z0-9_]/g, '_');
      const labelNames = Object.keys(figure.labels).sort();
      if (name.endsWith('_total')) {
        this.#feedPluginCounter(name, figure, labelNames);
        continue;
      }
      let entry = this.#plugin.get(name);
      if (entry === undefined) {
        if (this.registry.getSingleMetric(name) !== undefined) {
          this.#log.warn({ plugin: figure.plugin, metric: figure.name }, 'plugin metric collides with a built-in one; left out of /metrics');
          continue;
        }
        entry = { gauge: new client.Gauge({ name, help: `${figure.plugin}: ${figure.name}`, labelNames, registers: [this.registry] }), labels: labelNames.join(',') };
        this.#plugin.set(name, entry);
      }
      if (entry.labels !== labelNames.join(',')) {
        this.#log.warn({ plugin: figure.plugin, metric: figure.name }, 'metric reported with other label names than before; left out of /metrics');
        continue;
      }
      entry.gauge.set(figure.labels, figure.value);
    }
    return this.registry.metrics();
  }

  #feedPluginCounter(name: string, figure: MetricsSnapshot['plugins'][number], labelNames: string[]): void {
    let entry = this.#pluginCounters.get(name);
    if (entry === undefined) {
      if (this.registry.getSingleMetric(name) !== undefined) {
        this.#log.warn({ plugin: figure.plugin, metric: figure.name }, 'plugin metric collides with a built-in one; left out of /metrics');
        return;
      }
      entry = { counter: new client.Counter({ name, help: `${figure.plugin}: ${figure.name}`, labelNames, registers: [this.registry] }), labels: labelNames.join(','), exported: new Map() };
      this.#pluginCounters.set(name, entry);
    }
    if (entry.labels !== labelNames.join(',')) {
      this.#log.warn({ plugin: figure.plugin, metric: figure.name }, 'metric reported with other label names than before; left out of /metrics');
      return;
    }
    const key = JSON.stringify(labelNames.map((label) => figure.labels[label]));
    const growth = figure.value - (entry.exported.get(key) ?? 0);
    if (growth < 0) return;
    entry.counter.inc(figure.labels, growth);
    entry.exported.set(key, figure.value);
  }

  /** Adds the growth of each total since the last render; a total never shrinks a counter. */
  #feed(fed: FedCounter, snapshot: MetricsSnapshot): void {
    const totals = fed.read(snapshot);
    if (totals === undefined) return;
    for (const [value, total] of Object.entries(totals)) {
      const growth = total - (fed.exported.get(value) ?? 0);
      if (growth < 0) continue;
      if (fed.label === undefined) fed.counter.inc(growth);
      else fed.counter.inc({ [fed.label]: value }, growth);
      fed.exported.set(value, total);
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
