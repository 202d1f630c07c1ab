/**
 * What alert-sink plugins share: a sink registers under its name and serves its alerts unless
 * the root config's `alerts.sinks` lists sinks and leaves it out, so sinks are swapped by
 * config, not code — the same for a sink from any package as for the first-party ones.
 */
import type { Alert, PluginContext } from '../core/index.ts';
import { alertSinksServiceRef, checkListedSinks, listedSinks } from './registry.ts';

/** Whether the sink `name` is selected by the root config (no `alerts.sinks`: every sink is). */
export function sinkSelected(config: PluginContext['config'], name: string): boolean {
  const sinks = listedSinks(config);
  return sinks === undefined || sinks.includes(name);
}

/**
 * Registers the sink `name` and, when `alerts.sinks` selects it, taps the `alert` hook with
 * `deliver`; errors are logged with the sink's name, never thrown. Call it in setup, once per
 * sink name.
 */
export function tapAlertSink(ctx: PluginContext, name: string, deliver: (alert: Alert) => unknown): void {
  ctx.use(alertSinksServiceRef).register(name, ctx.name);
  checkListedSinks(ctx);
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
