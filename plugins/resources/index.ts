/**
 * `resources`: the `resources` service (`resourcesServiceRef`, see manager.ts): per-type leases under the root
 * config's limits (agents.maxConcurrentRuns, tools.exec.maxProcesses, tools.browser.maxInstances
 * and the plugin's own `limits`), load shedding past agents.memoryLimit, gc past
 * agents.gcThreshold when exposed, and a sweep of forgotten leases.
 */
import schema from '../../schemas/plugins/resources.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/resources.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { ResourceManager } from './manager.ts';
import { Probe } from './probe.ts';

import { resourcesServiceRef } from '../../sdk/ops/index.ts';

export { ResourceManager } from './manager.ts';
// The contract lives in the SDK (`moltbot/plugin-sdk/ops`); re-exported for this plugin's users.
export { ResourceRefused, resourcesServiceRef } from '../../sdk/ops/index.ts';
export type { Lease, RefusalReason, ResourceRequirements, ResourceStatus, ResourceType, ResourcesService } from '../../sdk/ops/index.ts';

export interface ResourcesOptions {
  /** Extra per-type limits (e.g. { "cache-rebuild": 1 }); the root config sets agent, exec and browser. */
  limits: Record<string, number>;
  maxLeaseMs: number;
  sweepIntervalMs: number;
}

export default definePlugin<ResourcesOptions>({
  name: 'resources',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Resource leases with per-type limits, real free memory and CPU, load shedding past agents.memoryLimit',
  sections: ['agents.memoryLimit', 'agents.gcThreshold'],
  schema,
  validate: validateOptions,
  provides: [resourcesServiceRef],
  defaults: { limits: {}, maxLeaseMs: 3_600_000, sweepIntervalMs: 60_000 },
  setup(ctx, options) {
    const agents = (ctx.config.agents ?? {}) as { maxConcurrentRuns?: number; memoryLimit?: number; gcThreshold?: number };
    const tools = (ctx.config.tools ?? {}) as { exec?: { maxProcesses?: number }; browser?: { maxInstances?: number } };
    const manager = new ResourceManager({
      limits: {
        ...options.limits,
        agent: agents.maxConcurrentRuns ?? 5,
        exec: tools.exec?.maxProcesses ?? 4,
        browser: tools.browser?.maxInstances ?? 2,
      },
      memoryLimitMb: agents.memoryLimit ?? 1024,
      ...(agents.gcThreshold !== undefined ? { gcThresholdMb: agents.gcThreshold } : {}),
      maxLeaseMs: options.maxLeaseMs,
    }, new Probe(), ctx.log);
    ctx.provide(resourcesServiceRef, manager);
    const timer = setInterval(() => manager.sweep(), options.sweepIntervalMs);
    timer.unref();
    ctx.onClose(() => clearInterval(timer));
    ctx.hooks.collectMetrics.tap(ctx.name, (collector) => {
      const status = manager.status();
      for (const [type, limit] of Object.entries(status.limits)) {
        collector.set('active', status.active[type] ?? 0, { type });
        collector.set('limit', limit, { type });
      }
      collector.set('shedding', status.shedding ? 1 : 0);
    });
  },
});
