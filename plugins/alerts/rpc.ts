/**
 * `alerts.list`: what is firing now and the most recent alert events (firing and resolved, from
 * every source), newest first, for dashboards. The recent list is kept in memory, bounded.
 */
import type { Alert } from '../../core/hook-types.ts';
import type { PluginContext } from '../../core/plugin.ts';
import { defineMethod } from '../gateway/methods.ts';
import type { AlertsService } from './service.ts';

export const RECENT_ALERTS = 100;

export function defineAlertMethods(ctx: Pick<PluginContext, 'name' | 'hooks'>, service: AlertsService): void {
  const recent: Alert[] = [];
  service.subscribe((alert) => {
    recent.unshift(alert);
    if (recent.length > RECENT_ALERTS) recent.length = RECENT_ALERTS;
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
