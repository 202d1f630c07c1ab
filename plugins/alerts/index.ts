/**
 * `alerts`: thresholds from the root config's `alerts` (checked every `checkInterval` against
 * the `metrics` service), deduplicated per `dedupWindow`, a `resolved` event on recovery, fan-out
 * through the kernel's `alert` hook to the sink plugins (alert-console, alert-webhook,
 * alert-file), and `subscribe(callback)` for embedders. A throwing sink never stops the others.
 */
import schema from '../../schemas/plugins/alerts.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/alerts.validate.ts';
import { definePlugin, optionalService } from '../../sdk/core/index.ts';
import { metricsServiceRef } from '../../sdk/ops/index.ts';
import { AlertState } from './engine.ts';
import { guardAlertTaps } from './guard.ts';
import { defineAlertMethods } from './rpc.ts';
import { buildRules, DEFAULT_GATES, DEFAULT_THRESHOLDS, type MetricRule, type Thresholds } from './rules.ts';
import { createAlertsService } from './service.ts';
import { alertsServiceRef, checkListedSinks } from '../../sdk/alerts/index.ts';

export type { AlertListener, AlertsService } from '../../sdk/alerts/index.ts';
export { alertsServiceRef, sinkSelected, tapAlertSink } from '../../sdk/alerts/index.ts';

interface RootAlerts {
  checkInterval?: number;
  warmup?: number;
  minRequests?: number;
  dedupWindow?: number;
  thresholds?: Partial<Thresholds>;
  rules?: MetricRule[];
}

export default definePlugin({
  name: 'alerts',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Threshold checks on the measured metrics, deduplicated alerts with resolve events, fan-out to alert sinks',
  sections: ['alerts'],
  schema,
  validate: validateOptions,
  optionalDependencies: ['metrics'],
  provides: [alertsServiceRef],
  consumes: [optionalService(metricsServiceRef)],
  setup(ctx) {
    const root = (ctx.config.alerts ?? {}) as RootAlerts;
    guardAlertTaps(ctx.hooks, ctx.log);
    // Sinks listed in alerts.sinks must exist, even when no sink plugin is loaded at all.
    checkListedSinks(ctx);
    const metrics = ctx.useOptional(metricsServiceRef);
    if (metrics === undefined) ctx.log.info({}, 'no metrics plugin: threshold checks are off, raised alerts still reach the sinks');
    const service = createAlertsService({
      hooks: ctx.hooks,
      log: ctx.log,
      state: new AlertState(root.dedupWindow ?? 3_600_000),
      rules: buildRules({ ...DEFAULT_THRESHOLDS, ...root.thresholds }, root.rules, {
        warmupMs: root.warmup ?? DEFAULT_GATES.warmupMs,
        minRequests: root.minRequests ?? DEFAULT_GATES.minRequests,
      }),
      metrics: () => metrics,
    });
    ctx.hooks.alert.tap(ctx.name, (alert) => service.notify(alert));
    const { notify: _notify, ...publicService } = service;
    ctx.provide(alertsServiceRef, publicService);
    defineAlertMethods(ctx, publicService);

    let timer: NodeJS.Timeout | undefined;
    let running: Promise<unknown> | undefined;
    ctx.hooks.ready.tap(ctx.name, () => {
      if (metrics === undefined) return;
      timer = setInterval(() => {
        // A check still running (a slow sink) is not stacked with another.
        if (running) return;
        running = ctx.track(service.check())
          .catch((error: unknown) => ctx.log.error({ err: error }, 'alert check failed'))
          .finally(() => (running = undefined));
      }, root.checkInterval ?? 60_000);
      timer.unref();
    });
    ctx.onClose(() => clearInterval(timer));
  },
});
