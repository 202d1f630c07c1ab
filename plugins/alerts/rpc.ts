/**
 * `alerts.list`: what is firing now and the most recent alert events (firing and resolved, from
 * every source), newest first, for dashboards. The recent list is kept in memory, bounded.
 * Each alert event is also broadcast to read-scoped clients as the gateway event `alert`.
 */
import type { Alert } from '../../sdk/core/index.ts';
import type { PluginContext } from '../../sdk/core/index.ts';
import { defineMethod, gatewayServiceRef } from '../../sdk/gateway/index.ts';
import type { AlertsService } from '../../sdk/alerts/index.ts';

export const RECENT_ALERTS = 100;

export const ALERT_EVENT = 'alert';

export function defineAlertMethods(ctx: Pick<PluginContext, 'name' | 'hooks' | 'use'>, service: AlertsService): void {
  const recent: Alert[] = [];
  // Looked up per event: the gateway may be set up after this plugin, or not loaded at all.
  const gateway = () => {
    try {
      return ctx.use(gatewayServiceRef);
    } catch {
      return undefined;
    }
  };
  service.subscribe((alert) => {
    recent.unshift(alert);
    if (recent.length > RECENT_ALERTS) recent.length = RECENT_ALERTS;
    gateway()?.broadcast(ALERT_EVENT, alert, 'read');
  });
  defineMethod<{ limit?: number }>(ctx, {
    name: 'alerts.list',
    scope: 'read',
    description: `Alerts firing now and the last alert events (newest first, at most ${RECENT_ALERTS} kept)`,
    params: {
      type: 'object',
      additionalProperties: false,
      properties: { limit: { type: 'integer', minimum: 1, maximum: RECENT_ALERTS, description: 'How many recent events to return.' } },
    },
    handler: (params) => ({ active: service.active(), recent: recent.slice(0, params.limit ?? RECENT_ALERTS) }),
  });
}
