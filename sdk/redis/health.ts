/**
 * Health of one Redis-backed component, the same for every Redis plugin: the connection's
 * state is reported to the gateway's health registry (`/readyz`, RPC `health`) as the component
 * name with `ok` or `degraded` (detail: why, credentials redacted), logged once per change
 * (warn when lost, info when back), and offered to `moltbot doctor` as a check. Requests that
 * need Redis while it is down fail at once with `MOLT_ERR_STORE_UNAVAILABLE` (data: component,
 * retryAfterMs) instead of waiting in a queue: the client is opened without an offline queue and
 * `run()` checks the state first. Recovery is the client's own reconnect loop (backoff ≤ 2 s):
 * the next `ready` reports `ok` again and requests pass.
 */
import type { CheckReport } from '../core/index.ts';
import { isMoltbotError, MoltbotError } from '../core/index.ts';
import type { Logger, PluginContext } from '../core/index.ts';
import { gatewayServiceRef } from '../gateway/index.ts';
import type { RedisConnection } from './connection.ts';

/** What a client is told to wait before retrying while Redis is down (the reconnect backoff tops out at 2 s). */
export const REDIS_RETRY_AFTER_MS = 2000;

export interface HealthReporter {
  report(component: string, status: 'ok' | 'degraded', options?: { critical?: boolean; detail?: string }): void;
}

export interface RedisHealthOptions {
  /** The name `/readyz` and doctor show (the plugin name). */
  component: string;
  /** Whether the gateway is not ready while it is down (it cannot serve its requests). */
  critical: boolean;
  /** What is lost while it is down, for the log, doctor and the error message. */
  impact: string;
  /** Absent for a one-off probe (doctor without a running gateway). */
  log?: Logger;
  /** The gateway's health registry, when a gateway runs in this kernel. */
  reporter?: () => HealthReporter | undefined;
}

export interface RedisHealth {
  readonly up: boolean;
  /** Runs `work` when Redis is up; otherwise, or when it fails for lack of a connection, MOLT_ERR_STORE_UNAVAILABLE. */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Throws MOLT_ERR_STORE_UNAVAILABLE at once while Redis is down. */
  assertUp(): void;
  /** A doctor check: critical (or warning for a non-critical component) while down. */
  diagnose(report: CheckReport): void;
  /** Stops listening (on close). */
  stop(): void;
}

export type StoreUnavailableError = MoltbotError & { data: { component: string; retryAfterMs: number } };

export function storeUnavailableError(component: string, why: string, cause?: unknown): StoreUnavailableError {
  return new MoltbotError('MOLT_ERR_STORE_UNAVAILABLE', {
    message: `${component}: Redis is unavailable (${why}); retry in ${REDIS_RETRY_AFTER_MS / 1000} s`,
    plugin: component,
    data: { component, retryAfterMs: REDIS_RETRY_AFTER_MS },
    ...(cause === undefined ? {} : { cause }),
  }) as StoreUnavailableError;
}

/** Connection-level failures (as opposed to a command Redis refused, e.g. WRONGTYPE). */
function isConnectionError(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  const message = String((error as { message?: unknown } | undefined)?.message ?? error);
  return name === 'ClientOfflineError' || name === 'ClientClosedError' || name === 'SocketClosedUnexpectedlyError' || name === 'ConnectionTimeoutError'
    || /offline|closed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|socket/i.test(message);
}

export function watchRedisHealth(connection: RedisConnection, options: RedisHealthOptions): RedisHealth {
  const { client } = connection;
  let up = client.isReady;
  const why = () => connection.lastError() ?? 'not connected';
  const report = () => {
    try {
      options.reporter?.()?.report(options.component, up ? 'ok' : 'degraded', {
        critical: options.critical,
        detail: up ? 'Redis connected' : `Redis down: ${why()}; ${options.impact}`,
      });
    } catch {
      // No gateway in this kernel (embedding): the log and doctor still say it.
    }
  };
  const change = () => {
    const now = client.isReady;
    if (now === up) return;
    up = now;
    if (up) options.log?.info({ component: options.component }, 'Redis is back; %s resumes', options.component);
    else options.log?.warn({ component: options.component, error: why() }, 'Redis connection lost: %s', options.impact);
    report();
  };
  // 'error' comes before the socket is marked down: look again on the next tick.
  const onError = () => setImmediate(change);
  const events = ['ready', 'end', 'reconnecting'] as const;
  for (const event of events) client.on(event, change);
  client.on('error', onError);
  report();
  if (!up) options.log?.error({ component: options.component, error: why() }, 'Redis unreachable at start: %s; retrying in the background', options.impact);
  const assertUp = () => {
    if (!client.isReady) throw storeUnavailableError(options.component, why());
  };
  return {
    get up() {
      return client.isReady;
    },
    assertUp,
    async run(work) {
      assertUp();
      try {
        return await work();
      } catch (error) {
        if (isMoltbotError(error) || !isConnectionError(error)) throw error;
        throw storeUnavailableError(options.component, connection.redact(String((error as Error)?.message ?? error)), error);
      }
    },
    diagnose(report) {
      const id = `redis.${options.component}`;
      if (client.isReady) {
        report.add({ id, severity: 'ok', title: `Redis (${options.component})`, description: 'connected' });
        return;
      }
      report.add({
        id,
        severity: options.critical ? 'critical' : 'warning',
        title: `Redis (${options.component})`,
        description: `${options.component}: Redis is down (${why()}); ${options.impact}.`,
        recommendation: 'Start Redis or fix its URL; the gateway reconnects by itself (backoff up to 2 s).',
      });
    },
    stop() {
      for (const event of events) client.off(event, change);
      client.off('error', onError);
    },
  };
}

/** The gateway's health registry when a gateway runs in this kernel (resolved when first needed: after every setup). */
export function gatewayReporter(ctx: Pick<PluginContext, 'useOptional'>): () => HealthReporter | undefined {
  let reporter: HealthReporter | undefined;
  return () => (reporter ??= ctx.useOptional(gatewayServiceRef)?.health);
}

/**
 * The doctor check of a Redis component: from the live connection when the plugin started (a
 * running gateway: RPC `diagnostics.report`), else from a short-lived probe connection (the
 * `moltbot doctor` CLI loads plugins without starting them).
 */
export async function diagnoseRedis(report: CheckReport, live: RedisHealth | undefined, probe: { url: string; connectTimeoutMs: number } & Omit<RedisHealthOptions, 'log' | 'reporter'>): Promise<void> {
  if (live !== undefined) return live.diagnose(report);
  const { openRedis } = await import('./connection.ts');
  const connection = await openRedis({ url: probe.url, connectTimeoutMs: probe.connectTimeoutMs, offlineQueue: false });
  const health = watchRedisHealth(connection, { component: probe.component, critical: probe.critical, impact: probe.impact });
  try {
    health.diagnose(report);
  } finally {
    health.stop();
    await connection.close();
  }
}
