/** The methods every gateway has: `ping`, `health`, `status` (all scope read). */
import type { PluginContext } from '../../sdk/core/index.ts';
import type { HealthRegistry } from './health.ts';
import { defineMethod } from '../../sdk/gateway/index.ts';
import type { Runtime } from './runtime.ts';
import { NO_PARAMS } from './method-params.ts';
import * as validators from '../../schemas/generated/gateway.method-params.validate.ts';

export function defineBuiltinMethods(ctx: Pick<PluginContext, 'name' | 'hooks'>, health: HealthRegistry, runtime: () => Runtime | undefined, startedAt: number): void {
  defineMethod(ctx, {
    name: 'ping',
    scope: 'read',
    description: 'Round trip check; answers with the server time.',
    params: NO_PARAMS,
    validate: validators.NO_PARAMS,
    handler: () => ({ pong: true, ts: Date.now() }),
  });
  defineMethod(ctx, {
    name: 'health',
    scope: 'read',
    description: 'Readiness (as /readyz) and the state each component reported.',
    params: NO_PARAMS,
    validate: validators.NO_PARAMS,
    handler: () => ({ status: health.readiness(), uptimeMs: Date.now() - startedAt, components: health.snapshot() }),
  });
  defineMethod(ctx, {
    name: 'status',
    scope: 'read',
    description: 'Gateway facts: version, uptime, connections, limits in force.',
    params: NO_PARAMS,
    validate: validators.NO_PARAMS,
    handler: () => {
      const current = runtime();
      const memory = process.memoryUsage();
      return {
        version: current?.version,
        uptimeMs: Date.now() - startedAt,
        pid: process.pid,
        connections: current?.connections.size ?? 0,
        pendingHandshakes: current?.preAuth.total ?? 0,
        preAuthEvictions: current?.preAuth.evictions ?? 0,
        authMode: current?.settings.authMode,
        bind: current?.settings.bind,
        methods: current?.registry.list().length ?? 0,
        rateLimit: current ? { ...current.limiter.requestLimits, keys: current.limiter.size() } : undefined,
        memory: { rss: memory.rss, heapUsed: memory.heapUsed },
      };
    },
  });
}
