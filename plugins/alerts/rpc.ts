/**
 * `alerts.list`: what is firing now and the most recent alert events (firing and resolved, from
 * every source), newest first, for dashboards. The recent list is kept in memory, bounded.
 * Each alert event is also broadcast to read-scoped clients as the gateway event `alert`.
 */
import type { Alert } from '../../sdk/core/index.ts';
import type { PluginContext } from '../../sdk/core/index.ts';
import { defineMethod, gatewayServiceRef } from '../../sdk/gateway/index.ts';
import type { AlertsService } from '../../sdk/alerts/index.ts';
import * as validators from '../../schemas/generated/alerts.method-params.validate.ts';
import { ALERTS_LIST } from './method-params.ts';

export const RECENT_ALERTS = ALERTS_LIST.properties.limit.maximum;

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
    params: ALERTS_LIST,
    validate: validators.ALERTS_LIST,
    handler: (params) => ({ active: service.active(), recent: recent.slice(0, params.limit ?? RECENT_ALERTS) }),
  });
}
