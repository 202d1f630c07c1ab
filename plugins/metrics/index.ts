/**
 * `metrics`: the deployment guide's `Metrics`, every figure measured (see README.md): gateway
 * connections and RPC rates, agent sessions, latency and tokens, host CPU, memory, disk and
 * network, plus what plugins report through `collectMetrics`. Served as RPC `metrics`, as
 * Prometheus text at `/metrics` (authenticated unless `metrics.public`), and as the `metrics`
 * service the alerts plugin reads.
 */
import schema from '../../schemas/plugins/metrics.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/metrics.validate.ts';
import * as validators from '../../schemas/generated/metrics.method-params.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { type GatewayService, defineMethod, gatewayServiceRef } from '../../sdk/gateway/index.ts';
import { AgentTracker } from './agents.ts';
import type { PrometheusExporter } from './prometheus.ts';
import { RequestCounter } from './requests.ts';
import { MetricsCollectorCore } from './snapshot.ts';
import { registerStatusCommand } from './status-command.ts';
import { metricsServiceRef, SystemSampler, type MetricsService } from '../../sdk/ops/index.ts';
import { defineMetricsSubscription } from './subscribe.ts';
import { NO_PARAMS } from './method-params.ts';

// The contract lives in the SDK (`moltbot/plugin-sdk/ops`); re-exported for this plugin's users.
export { metricsServiceRef } from '../../sdk/ops/index.ts';
export type { AgentFigures, MetricsService, MetricsSnapshot, SystemFigures } from '../../sdk/ops/index.ts';

export interface MetricsOptions {
  /** Background sampling period in ms (keeps `last()` fresh and the deltas' span known). */
  interval: number;
  /** Sliding window of requestsPerSecond and errorRate, in seconds. */
  windowSeconds: number;
  /** A session counts as active this long after its last agent run started (ms). */
  sessionWindowMs: number;
  /** Shortest span system deltas are measured over; snapshots closer together reuse it (ms). */
  minSampleMs: number;
}

export default definePlugin<MetricsOptions>({
  name: 'metrics',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Measured gateway, agent and system figures: RPC metrics, Prometheus /metrics, the metrics service',
  sections: ['metrics'],
  schema,
  validate: validateOptions,
  defaults: { interval: 15_000, windowSeconds: 60, sessionWindowMs: 300_000, minSampleMs: 200 },
  optionalDependencies: ['gateway'],
  setup(ctx, options) {
    const root = (ctx.config.metrics ?? {}) as { enabled?: boolean; public?: boolean };
    // A client of the running gateway: available even where this process collects nothing.
    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => registerStatusCommand(program, cli, ctx.config, ctx.paths.stateDir));
    if (root.enabled === false) {
      ctx.log.debug({}, 'metrics disabled by metrics.enabled=false');
      return;
    }
    const gateway: GatewayService | undefined = ctx.useOptional(gatewayServiceRef);
    const system = new SystemSampler(ctx.paths.stateDir);
    const requests = new RequestCounter(options.windowSeconds);
    const agents = new AgentTracker(options.sessionWindowMs);
    agents.tap(ctx.hooks, ctx.name);
    let readyAt: number | undefined;
    const core = new MetricsCollectorCore({
      hooks: ctx.hooks,
      log: ctx.log,
      system,
      requests,
      agents,
      connections: () => gateway?.connections ?? 0,
      traffic: () => gateway?.stats(),
      readyAt: () => readyAt,
      minSampleMs: options.minSampleMs,
    });
    // prom-client loads on the first scrape or the first model call, not at gateway start.
    let exporter: Promise<PrometheusExporter> | undefined;
    let loaded: PrometheusExporter | undefined;
    // Model calls measured while prom-client loads (bounded: a load takes milliseconds).
    const early: number[] = [];
    const prometheus = () => (exporter ??= import('./prometheus.ts').then((module) => {
      loaded = new module.PrometheusExporter(ctx.log);
      for (const ms of early.splice(0)) loaded.observeModelCall(ms);
      return loaded;
    }));
    agents.onLatency((ms) => {
      if (loaded !== undefined) return loaded.observeModelCall(ms);
      if (early.length < 10_000) early.push(ms);
      prometheus().catch((error: unknown) => ctx.log.warn({ err: error }, 'prom-client failed to load; /metrics will fail'));
    });
    const service: MetricsService = {
      snapshot: () => core.snapshot(),
      prometheus: async () => (await prometheus()).render(await core.snapshot()),
      last: () => core.last(),
    };
    ctx.provide(metricsServiceRef, service);

    let timer: NodeJS.Timeout | undefined;
    ctx.hooks.ready.tap(ctx.name, () => {
      readyAt = Date.now();
      timer = setInterval(() => {
        core.snapshot().catch((error: unknown) => ctx.log.warn({ err: error }, 'background metrics sample failed'));
      }, options.interval);
      timer.unref();
    });
    ctx.onClose(() => {
      clearInterval(timer);
      system.close();
    });

    defineMethod(ctx, {
      name: 'metrics',
      scope: 'read',
      description: 'Measured gateway, agent, system and plugin figures',
      params: NO_PARAMS,
      validate: validators.NO_PARAMS,
      handler: () => core.snapshot(),
    });
    defineMetricsSubscription(ctx, () => core.snapshot(), () => gateway);
    ctx.hooks.httpRoute.tap(ctx.name, (router) => {
      router.route({
        method: 'GET',
        path: '/metrics',
        scope: 'read',
        public: root.public === true,
        handler: async (_request, response) => {
          const text = await service.prometheus();
          response.writeHead(200, { 'Content-Type': (await prometheus()).contentType, 'Cache-Control': 'no-store' });
          response.end(text);
        },
      });
    });
  },
});
