/**
 * Rotation closes old sessions (AU-12): an auth plugin reports the secret in force each time it
 * resolves it (at every handshake, and on a timer so an idle gateway notices too); when the
 * value changed, the gateway closes the connections that authenticated with the old one
 * (close 1008 "credential rotated"). Only the changed credential's sessions go.
 */
import { isMoltbotError } from '../../core/index.ts';
import type { PluginContext } from '../../core/index.ts';
import { gatewayServiceRef } from '../service.ts';

export interface RotationWatch {
  /** The secret now in force for `subject` (undefined: none). */
  observe(value: string | undefined): void;
}

export function watchRotation(ctx: Pick<PluginContext, 'use' | 'log'>, subject: string): RotationWatch {
  let known = false;
  let inForce: string | undefined;
  return {
    observe(value) {
      if (known && value !== inForce) {
        let closed = 0;
        try {
          closed = ctx.use(gatewayServiceRef).revoke(subject, 'credential rotated');
        } catch (error) {
          // No gateway in this kernel: nothing is connected.
          if (!isMoltbotError(error, 'MOLT_ERR_SERVICE_MISSING')) throw error;
        }
        ctx.log.info({ subject, closed }, 'gateway credential changed; sessions that used the old one were closed');
      }
      known = true;
      inForce = value;
    },
  };
}

/**
 * Re-checks the secret every `everyMs` from now until close, so an idle gateway notices a
 * rotation too, not only at the next handshake. Call it from a `start` tap.
 */
export function pollRotation(ctx: Pick<PluginContext, 'onClose' | 'log'>, everyMs: number, check: () => Promise<unknown>, what: string): void {
  const timer = setInterval(() => {
    check().catch((error: unknown) => ctx.log.warn({ err: error }, `${what} check failed`));
  }, everyMs);
  timer.unref();
  ctx.onClose(() => clearInterval(timer));
}
