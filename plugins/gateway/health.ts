/**
 * Readiness as the gateway reports it on `/readyz` and RPC `health`: not ready until the
 * kernel is, not ready while closing, and not ready while a component marked critical
 * reports `degraded`. Plugins report through `ctx.use('gateway').health.report(...)`.
 */

export type ComponentStatus = 'ok' | 'degraded';

export interface ComponentHealth {
  status: ComponentStatus;
  critical: boolean;
  detail?: string;
  /** ms since epoch of the last report. */
  at: number;
}

export type Readiness = 'starting' | 'ready' | 'degraded' | 'closing';

export interface HealthRegistry {
  /** Latest state of a component (a plugin name, or `plugin:part`); a new report replaces the old. */
  report(component: string, status: ComponentStatus, options?: { critical?: boolean; detail?: string }): void;
  snapshot(): Record<string, ComponentHealth>;
  readiness(): Readiness;
}

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
