/**
 * What alert-sink plugins share: a sink serves its alerts unless the root config's
 * `alerts.sinks` lists sinks and leaves it out, so sinks are swapped by config, not code.
 */
import type { Alert } from '../core/index.ts';
import type { PluginContext } from '../core/index.ts';

/** Whether the sink `name` is selected by the root config (no `alerts.sinks`: every sink is). */
export function sinkSelected(config: PluginContext['config'], name: string): boolean {
  const sinks = (config.alerts as { sinks?: readonly string[] } | undefined)?.sinks;
  return sinks === undefined || sinks.includes(name);
}

/** Taps the `alert` hook for a sink; errors are logged with the sink's name, never thrown. */
export function tapAlertSink(ctx: PluginContext, name: string, deliver: (alert: Alert) => unknown): void {
  if (!sinkSelected(ctx.config, name)) {
    ctx.log.debug({ sink: name }, 'alert sink not listed in alerts.sinks; it stays idle');
    return;
  }
  ctx.hooks.alert.tapPromise(ctx.name, async (alert) => {
    try {
      await ctx.track(Promise.resolve().then(() => deliver(alert)));
    } catch (error) {
      ctx.log.error({ err: error, sink: name, alert: alert.id }, 'alert sink failed to deliver');
    }
  });
}
