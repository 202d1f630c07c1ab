/**
 * Prometheus text (prom-client, on a registry of our own so nothing global leaks between
 * kernels): the snapshot's figures as gauges, counters for the request totals, and every
 * plugin figure as `moltbot_<plugin>_<name>` with its labels.
 */
import client from 'prom-client';
import type { Logger } from '../../core/log.ts';
import type { MetricsSnapshot } from './snapshot.ts';

const FIXED: readonly [string, string, (s: MetricsSnapshot) => number][] = [
  ['moltbot_gateway_uptime_seconds', 'Seconds since the kernel became ready.', (s) => s.gateway.uptime],
  ['moltbot_gateway_active_connections', 'Open WebSocket connections.', (s) => s.gateway.activeConnections],
  ['moltbot_gateway_requests_per_second', 'RPC requests per second over the sliding window.', (s) => s.gateway.requestsPerSecond],
  ['moltbot_gateway_error_rate', 'Share of RPC requests that failed over the sliding window.', (s) => s.gateway.errorRate],
  ['moltbot_agents_active_sessions', 'Sessions with an agent run in the recent window.', (s) => s.agents.activeSessions],
  ['moltbot_agents_response_time_ms', 'Mean model call latency in ms.', (s) => s.agents.averageResponseTime],
  ['moltbot_agents_response_time_p95_ms', 'p95 model call latency in ms.', (s) => s.agents.p95ResponseTime],
  ['moltbot_system_cpu_usage', 'Busy share of every host core (0..1).', (s) => s.system.cpuUsage],
  ['moltbot_process_cpu_cores', 'CPU used by this process, in cores.', (s) => s.system.processCpu],
  ['moltbot_system_memory_usage', 'Used share of host memory (0..1).', (s) => s.system.memoryUsage],
  ['moltbot_process_resident_memory_bytes', 'Resident set size of this process.', (s) => s.system.memory.rssBytes],
  ['moltbot_process_heap_used_bytes', 'V8 heap in use.', (s) => s.system.memory.heapUsedBytes],
  ['moltbot_system_disk_usage', 'Used share of the filesystem holding the state dir (0..1).', (s) => s.system.diskUsage],
  ['moltbot_system_disk_free_bytes', 'Free bytes on the filesystem holding the state dir.', (s) => s.system.disk.freeBytes],
  ['moltbot_system_network_receive_bytes_per_second', 'Bytes received per second on every interface.', (s) => s.system.networkIO.in],
  ['moltbot_system_network_transmit_bytes_per_second', 'Bytes sent per second on every interface.', (s) => s.system.networkIO.out],
  ['moltbot_event_loop_delay_p99_ms', 'Event-loop delay p99 in ms.', (s) => s.system.eventLoopDelay],
];

export class PrometheusExporter {
  readonly registry = new client.Registry();
  readonly #fixed: [client.Gauge, (s: MetricsSnapshot) => number][];
  readonly #tokens: client.Gauge;
  readonly #requests: client.Gauge;
  readonly #plugin = new Map<string, { gauge: client.Gauge; labels: string }>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
    this.#fixed = FIXED.map(([name, help, read]) => [new client.Gauge({ name, help, registers: [this.registry] }), read]);
    this.#tokens = new client.Gauge({ name: 'moltbot_agents_tokens', help: 'Model tokens used since start.', labelNames: ['kind'], registers: [this.registry] });
    this.#requests = new client.Gauge({ name: 'moltbot_gateway_requests', help: 'RPC requests dispatched since start, by outcome.', labelNames: ['outcome'], registers: [this.registry] });
  }

  async render(snapshot: MetricsSnapshot): Promise<string> {
    for (const [gauge, read] of this.#fixed) gauge.set(read(snapshot));
    const tokens = snapshot.agents.tokenUsage;
    this.#tokens.set({ kind: 'input' }, tokens.input);
    this.#tokens.set({ kind: 'output' }, tokens.output);
    this.#requests.set({ outcome: 'all' }, snapshot.gateway.requestsTotal);
    this.#requests.set({ outcome: 'error' }, snapshot.gateway.errorsTotal);
    for (const gauge of this.#plugin.values()) gauge.gauge.reset();
    for (const figure of snapshot.plugins) {
      const name = `moltbot_${figure.plugin}_${figure.name}`.replace(/[^a-zA-Z0-9_]/g, '_');
      const labelNames = Object.keys(figure.labels).sort();
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

  get contentType(): string {
    return this.registry.contentType;
  }
}
