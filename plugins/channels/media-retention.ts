/** Deletes stored inbound media older than `media.retentionDays`: once at start, then every hour. */
import { pruneMedia } from '../../sdk/channels/index.ts';
import type { Logger } from '../../sdk/core/index.ts';

export const RETENTION_SWEEP_MS = 60 * 60 * 1000;

/** Returns the function that stops the sweeps. */
export function startMediaRetention(stateDir: string, retentionDays: number, log: Logger, everyMs = RETENTION_SWEEP_MS): () => void {
  const maxAgeMs = retentionDays * 24 * 60 * 60 * 1000;
  const sweep = () => {
    pruneMedia(stateDir, maxAgeMs).then((removed) => {
      if (removed > 0) log.info({ removed, retentionDays }, 'old inbound media deleted (channels media.retentionDays)');
    }, (error: unknown) => log.warn({ err: error }, 'inbound media retention sweep failed'));
  };
  sweep();
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
