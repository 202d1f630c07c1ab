/**
 * Readiness as the gateway reports it on `/readyz` and RPC `health`: not ready until the
 * kernel is, not ready while closing, and not ready while a component marked critical
 * reports `degraded`. Plugins report through `ctx.use(gatewayServiceRef).health.report(...)`.
 */

import type { ComponentHealth, HealthRegistry } from '../../sdk/gateway/index.ts';

export type { ComponentHealth, ComponentStatus, HealthRegistry, Readiness } from '../../sdk/gateway/index.ts';

export function createHealthRegistry(phase: () => 'starting' | 'ready' | 'closing'): HealthRegistry {
  const components = new Map<string, ComponentHealth>();
  return {
    report(component, status, options = {}) {
      if (typeof component !== 'string' || component === '') throw new TypeError('health.report(): component must be a non-empty string');
      if (status !== 'ok' && status !== 'degraded') throw new TypeError(`health.report(): status must be "ok" or "degraded" (got ${JSON.stringify(status)})`);
      const entry: ComponentHealth = { status, critical: options.critical ?? false, at: Date.now() };
      if (options.detail !== undefined) entry.detail = options.detail;
      components.set(component, entry);
    },
    snapshot() {
      return Object.fromEntries(components);
    },
    readiness() {
      const current = phase();
      if (current !== 'ready') return current;
      for (const entry of components.values()) if (entry.critical && entry.status === 'degraded') return 'degraded';
      return 'ready';
    },
  };
}
