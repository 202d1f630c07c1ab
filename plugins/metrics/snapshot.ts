/**
 * The `metrics` service (contract: `moltbot/plugin-sdk/ops`): the deployment guide's `Metrics` shape, every figure measured, plus
 * what plugins report through `collectMetrics`.
 */
import type { KernelHooks } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import type { MetricsSnapshot, SystemFigures, SystemSampler } from '../../sdk/ops/index.ts';
import type { AgentTracker } from './agents.ts';
import { collectPluginFigures } from './plugin-figures.ts';
import type { RequestCounter } from './requests.ts';

export interface SnapshotSources {
  hooks: KernelHooks;
  log: Logger;
  system: SystemSampler;
  requests: RequestCounter;
  /** The gateway's request/error totals (undefined without a gateway). */
  traffic: () => { requests: number; errors: number } | undefined;
  agents: AgentTracker;
  connections(): number;
  readyAt(): number | undefined;
  minSampleMs: number;
}

export class MetricsCollectorCore {
  readonly #sources: SnapshotSources;
  #system: { at: number; figures: SystemFigures } | undefined;
  #last: MetricsSnapshot | undefined;

  constructor(sources: SnapshotSources) {
    this.#sources = sources;
  }

  /** System deltas over a span too short are noise: reuse the last sample inside `minSampleMs`. */
  #systemFigures(): SystemFigures {
    const now = Date.now();
    if (this.#system === undefined || now - this.#system.at >= this.#sources.minSampleMs) {
      this.#system = { at: now, figures: this.#sources.system.sample() };
    }
    return this.#system.figures;
  }

  async snapshot(): Promise<MetricsSnapshot> {
    const s = this.#sources;
    const readyAt = s.readyAt();
    const traffic = s.traffic();
    if (traffic !== undefined) s.requests.sync(traffic);
    const rates = s.requests.rates();
    const snapshot: MetricsSnapshot = {
      at: Date.now(),
      gateway: {
        uptime: readyAt === undefined ? 0 : (Date.now() - readyAt) / 1000,
        activeConnections: s.connections(),
        ...rates,
        requestsTotal: s.requests.requestsTotal,
        errorsTotal: s.requests.errorsTotal,
      },
      agents: s.agents.figures(),
      system: this.#systemFigures(),
      plugins: await collectPluginFigures(s.hooks, s.log),
    };
    this.#last = snapshot;
    return snapshot;
  }

  last(): MetricsSnapshot | undefined {
    return this.#last;
  }
}
