/**
 * `moltbot/plugin-sdk/alerts`: alert sinks and the alerts service. A sink plugin calls
 * `tapAlertSink(ctx, 'pagerduty', deliver)` in setup: it is registered by name, serves alerts
 * only when the root config's `alerts.sinks` lists it (or lists nothing), and a name in
 * `alerts.sinks` that no loaded plugin serves is a config error naming the path. The `alerts`
 * plugin (`alertsServiceRef`) raises, deduplicates and resolves alerts; `deliverWebhook` is the
 * signed, retried JSON POST the webhook sink uses.
 */
import { createServiceRef } from '../core/index.ts';
import type { AlertsService } from './service.ts';

export type { Alert, Severity } from '../core/index.ts';
export type { AlertInput, AlertListener, AlertsService } from './service.ts';
export { sinkSelected, tapAlertSink } from './sink.ts';
export { alertSinksServiceRef, assertListedSinksServed, checkListedSinks, createAlertSinkRegistry, listedSinks } from './registry.ts';
export type { AlertSinkRegistry } from './registry.ts';
export { deliver as deliverWebhook, describeUrl, sign, SIGNATURE_HEADER, TIMESTAMP_HEADER, WebhookError } from './webhook.ts';
export type { WebhookSettings } from './webhook.ts';

/** The alerts service (service id "alerts", provided by the `alerts` plugin). */
export const alertsServiceRef = createServiceRef<AlertsService>({
  id: 'alerts',
  description: 'Deduplicated alerts with resolve events, threshold checks and subscriptions (plugin "alerts")',
});

// Embedders call `kernel.use('alerts')` (the alerts README shows it): the string name stays
// typed. Plugins use `alertsServiceRef`, which also declares the dependency.
declare module '../../core/plugin.ts' {
  interface Services {
    alerts: AlertsService;
  }
}
