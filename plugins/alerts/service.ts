/** The `alerts` service (contract: `moltbot/plugin-sdk/alerts`): raise and resolve deduplicated alerts, run a check, subscribe. */
import type { Alert } from '../../sdk/core/index.ts';
import type { KernelHooks } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import type { MetricsService } from '../../sdk/ops/index.ts';
import type { AlertListener, AlertsService } from '../../sdk/alerts/index.ts';
import type { AlertState } from './engine.ts';
import type { Rule } from './rules.ts';

export interface AlertsDeps {
  hooks: KernelHooks;
  log: Logger;
  state: AlertState;
  rules: Rule[];
  metrics: () => MetricsService | undefined;
}

export function createAlertsService(deps: AlertsDeps): AlertsService & { notify(alert: Alert): void } {
  const listeners = new Set<AlertListener>();
  const send = async (alert: Alert | undefined) => {
    if (alert === undefined) return undefined;
    deps.log.info({ alert: alert.id, severity: alert.severity, state: alert.state }, `alert ${alert.state}: ${alert.message}`);
    await deps.hooks.alert.promise(alert).catch((error: unknown) => deps.log.error({ err: error, alert: alert.id }, 'alert fan-out failed'));
    return alert;
  };
  return {
    raise: (input) => send(deps.state.fire({ source: 'alerts', ...input })),
    resolve: (id, message) => send(deps.state.resolve(id, message)),
    async check() {
      const metrics = deps.metrics();
      if (metrics === undefined) return [];
      const snapshot = await metrics.snapshot();
      const sent: Alert[] = [];
      for (const rule of deps.rules) {
        // Read even when gated: a rule measuring between checks keeps its baseline.
        const value = rule.read(snapshot);
        const gated = rule.gate?.(snapshot);
        if (gated !== undefined) {
          // Too little evidence is no verdict: nothing fires, and nothing stays firing on it.
          const resolved = deps.state.resolve(rule.id, `${rule.label}: not judged, ${gated}`);
          if (await send(resolved)) sent.push(resolved!);
          continue;
        }
        if (value === undefined) continue;
        const level = rule.levels.find((candidate) => value > candidate.above);
        const data = { value, ...(level ? { threshold: level.above } : {}) };
        const event = level
          ? deps.state.fire({ id: rule.id, severity: level.severity, source: 'alerts', message: `${rule.label} at ${rule.format(value)}, above ${rule.format(level.above)}`, data })
          : deps.state.resolve(rule.id, `${rule.label} back to ${rule.format(value)}`, data);
        if (await send(event)) sent.push(event!);
      }
      return sent;
    },
    active: () => deps.state.active(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    notify(alert) {
      for (const listener of listeners) {
        try {
          listener(alert);
        } catch (error) {
          deps.log.error({ err: error, alert: alert.id }, 'an alert subscriber threw; the others still got the alert');
        }
      }
    },
  };
}
