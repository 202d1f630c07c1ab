/**
 * Runs of one session, serialized across gateway instances: before a run the agent takes the
 * session's lease (SET NX PX with a random token), renews it while the run lasts, and releases
 * it only if it still holds it (compare-and-delete). An instance that dies stops renewing, so
 * its lease expires after `ttlMs` and the next run elsewhere proceeds: no manual unlock.
 */
import { randomBytes } from 'node:crypto';
import { type RedisClient, redisLeases } from '../../sdk/redis/index.ts';

export interface SessionLease {
  /** Resolves with a release function once this instance holds the session; rejects when `signal` aborts first. */
  acquire(sessionKey: string, signal: AbortSignal): Promise<() => Promise<void>>;
}

export interface SessionLeaseOptions {
  client: RedisClient;
  keyPrefix: string;
  ttlMs: number;
  warn(fields: Record<string, unknown>, message: string): void;
}

const FIRST_WAIT_MS = 20;
const MAX_WAIT_MS = 500;

export function createSessionLease(options: SessionLeaseOptions): SessionLease & { close(): void } {
  const leases = redisLeases(options.client);
  const renewing = new Set<NodeJS.Timeout>();
  return {
    /** Stops renewing (the process is going away): held leases expire after their ttl. */
    close() {
      for (const timer of renewing) clearInterval(timer);
      renewing.clear();
    },
    async acquire(sessionKey, signal) {
      const key = `${options.keyPrefix}:lease:${sessionKey}`;
      const token = randomBytes(12).toString('hex');
      for (let wait = FIRST_WAIT_MS; ; wait = Math.min(MAX_WAIT_MS, wait * 2)) {
        signal.throwIfAborted();
        if (await leases.tryAcquire(key, token, options.ttlMs)) break;
        // Jittered, so instances waiting for one session do not retry in step.
        await sleep(wait / 2 + Math.random() * wait / 2, signal);
      }
      const timer = setInterval(() => {
        leases.renew(key, token, options.ttlMs).then((kept) => {
          if (!kept) options.warn({ session: sessionKey }, 'session lease lost (this run stalled longer than its ttl): another instance may run the session concurrently');
        }, () => undefined);
      }, Math.max(10, Math.floor(options.ttlMs / 3)));
      timer.unref();
      renewing.add(timer);
      return async () => {
        clearInterval(timer);
        renewing.delete(timer);
        await leases.release(key, token).catch(() => undefined);
      };
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
