/**
 * Live figures for dashboards: `metrics.subscribe` makes the gateway push a `metrics.tick`
 * event (a fresh snapshot) to that connection every `intervalMs` until `metrics.unsubscribe`
 * or the connection goes away, so a UI never has to poll. One timer per subscribed connection;
 * a connection that is gone (sendTo answers false) is dropped on its next tick.
 */
import type { PluginContext } from '../../sdk/core/index.ts';
import { defineMethod, type GatewayService } from '../../sdk/gateway/index.ts';
import type { MetricsSnapshot } from '../../sdk/ops/index.ts';
import * as validators from '../../schemas/generated/metrics.method-params.validate.ts';
import { METRICS_SUBSCRIBE, NO_PARAMS } from './method-params.ts';

export const TICK_EVENT = 'metrics.tick';
const DEFAULT_INTERVAL_MS = 2_000;

export function defineMetricsSubscription(
  ctx: Pick<PluginContext, 'name' | 'hooks' | 'log' | 'onClose'>,
  snapshot: () => Promise<MetricsSnapshot>,
  gateway: () => Pick<GatewayService, 'sendTo'> | undefined,
): void {
  const timers = new Map<string, NodeJS.Timeout>();
  const stop = (connectionId: string): boolean => {
    const timer = timers.get(connectionId);
    clearInterval(timer);
    return timers.delete(connectionId);
  };
  defineMethod<{ intervalMs?: number }>(ctx, {
    name: 'metrics.subscribe',
    scope: 'read',
    sideEffects: false,
    description: `Pushes a ${TICK_EVENT} event with a fresh snapshot to this connection every intervalMs (default ${DEFAULT_INTERVAL_MS}); answers with the first snapshot`,
    params: METRICS_SUBSCRIBE,
    validate: validators.METRICS_SUBSCRIBE,
    handler: async (params, rpc) => {
      const connectionId = rpc.connection.id;
      const intervalMs = params.intervalMs ?? DEFAULT_INTERVAL_MS;
      stop(connectionId);
      const timer = setInterval(() => {
        snapshot().then(
          (figures) => {
            if (gateway()?.sendTo(connectionId, TICK_EVENT, figures) !== true) stop(connectionId);
          },
          (error: unknown) => ctx.log.warn({ err: error }, 'metrics tick failed'),
        );
      }, intervalMs);
      timer.unref();
      timers.set(connectionId, timer);
      return { subscribed: true, intervalMs, snapshot: await snapshot() };
    },
  });
  defineMethod(ctx, {
    name: 'metrics.unsubscribe',
    scope: 'read',
    sideEffects: false,
    description: `Stops this connection's ${TICK_EVENT} events`,
    params: NO_PARAMS,
    validate: validators.NO_PARAMS,
    handler: (_params, rpc) => ({ unsubscribed: stop(rpc.connection.id) }),
  });
  ctx.onClose(() => {
    for (const connectionId of [...timers.keys()]) stop(connectionId);
  });
}
