/**
 * __NAME__: a Moltbot alert sink. It registers as the sink `__NAME__` (`tapAlertSink`): it is
 * called for every alert that fires or resolves, all sinks at once, unless the root config's
 * `alerts.sinks` lists sinks and leaves it out. It POSTs each alert as JSON to a webhook.
 */
import { tapAlertSink } from 'moltbot/plugin-sdk/alerts';
import { definePlugin, type Alert, type PluginContext, type Severity } from 'moltbot/plugin-sdk/core';
import schema from './schema.json' with { type: 'json' };

export interface Options {
  url: string;
  minSeverity: Severity;
  timeoutMs: number;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** The JSON body the webhook receives. */
export function formatAlert(alert: Alert): Record<string, unknown> {
  return {
    id: alert.id,
    severity: alert.severity,
    state: alert.state,
    source: alert.source,
    text: `[${alert.severity}] ${alert.source}: ${alert.message}${alert.state === 'resolved' ? ' (resolved)' : ''}`,
    at: new Date(alert.at).toISOString(),
    ...(alert.data ? { data: alert.data } : {}),
  };
}

async function deliver(ctx: PluginContext, options: Options, alert: Alert): Promise<void> {
  try {
    const response = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(formatAlert(alert)),
      signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(options.timeoutMs)]),
    });
    if (!response.ok) ctx.log.warn({ alert: alert.id, status: response.status }, 'webhook refused the alert');
  } catch (error) {
    // A failing sink must never stop the others: log (without the URL, it may hold a token) and go on.
    ctx.log.warn({ alert: alert.id, error: error instanceof Error ? error.name : String(error) }, 'alert delivery failed');
  }
}

export default definePlugin<Options>({
  name: '__NAME__',
  version: '0.1.0',
  kernel: '__MOLTBOT_RANGE__',
  description: 'A Moltbot alert sink: posts firing and resolved alerts to a webhook URL.',
  schema,
  defaults: { minSeverity: 'warning', timeoutMs: 5000 },
  setup(ctx, options) {
    // The sink's name in alerts.sinks is the plugin's; close() waits for a delivery in flight.
    tapAlertSink(ctx, ctx.name, async (alert) => {
      if (RANK[alert.severity] < RANK[options.minSeverity]) return;
      await deliver(ctx, options, alert);
    });
  },
});
