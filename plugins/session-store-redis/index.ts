/**
 * `session-store-redis`: the `session-store` service in Redis, so several gateway instances
 * share sessions (issue: scale-out). Replaces `session-store-file` (declare it and the preset's
 * file store steps aside). The URL comes from the `url` option, else the root `redis.url`.
 * See README.md beside this file.
 */
import schema from '../../schemas/plugins/session-store-redis.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/session-store-redis.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { sessionLeaseRef, sessionStoreRef, type SessionStore } from '../../sdk/agent/index.ts';
import { gatewayReporter, openRedis, type RedisConnection, type RedisHealth, redisServiceRef, redisSettings, watchRedisHealth } from '../../sdk/redis/index.ts';
import { checkRedisDurability } from './durability-check.ts';
import type { SessionLease } from './session-lease.ts';

export interface SessionStoreRedisOptions {
  url?: string;
  keyPrefix?: string;
  connectTimeoutMs: number;
  leaseTtlMs: number;
}

export default definePlugin<SessionStoreRedisOptions>({
  name: 'session-store-redis',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Session transcripts and index in Redis, shared by gateway instances',
  sections: ['redis'],
  schema,
  validate: validateOptions,
  defaults: { connectTimeoutMs: 5000, leaseTtlMs: 30_000 },
  replaces: ['session-store-file'],
  consumes: [redisServiceRef],
  provides: [sessionStoreRef, sessionLeaseRef],
  setup(ctx, options) {
    const { url, keyPrefix } = redisSettings(options, ctx.config);
    let connection: RedisConnection | undefined;
    let store: SessionStore | undefined;
    let health: RedisHealth | undefined;
    const ready = () => {
      if (store === undefined || health === undefined) throw new Error('session-store-redis: used before the kernel started');
      return { store, health };
    };
    // Every call fails at once with MOLT_ERR_STORE_UNAVAILABLE (+ retryAfterMs) while Redis is down.
    const guarded = <T>(work: (s: SessionStore) => Promise<T>): Promise<T> => {
      const { store: s, health: h } = ready();
      return h.run(() => work(s));
    };
    // The service exists from setup (the agent resolves it lazily); the connection opens in start.
    ctx.provide(sessionStoreRef, {
      append: (agentId, key, entries) => guarded((s) => s.append(agentId, key, entries)),
      load: (agentId, key, options) => guarded((s) => s.load(agentId, key, options)),
      list: (agentId) => guarded((s) => s.list(agentId)),
      inspect: (agentId, key) => guarded((s) => s.inspect(agentId, key)),
      findTrace: (agentId, runId) => guarded((s) => s.findTrace(agentId, runId)),
      entryCount: (agentId, key) => guarded((s) => s.entryCount!(agentId, key)),
      close: async () => store?.close(),
    } satisfies SessionStore);
    let lease: (SessionLease & { close(): void }) | undefined;
    ctx.provide(sessionLeaseRef, {
      acquire: (sessionKey, signal) => {
        if (lease === undefined || health === undefined) throw new Error('session-store-redis: used before the kernel started');
        const l = lease;
        return health.run(() => l.acquire(sessionKey, signal));
      },
    } satisfies SessionLease);
    ctx.hooks.start.tapPromise(ctx.name, async () => {
      // @redis/client costs ≈ 150 ms to import: only a kernel that uses Redis pays it.
      const [{ createRedisSessionStore }, { createSessionLease }] = await Promise.all([import('./redis-session-store.ts'), import('./session-lease.ts')]);
      // No offline queue: while Redis is down a run fails at once (UNAVAILABLE, retryAfterMs) instead of hanging in a queue.
      connection = await ctx.use(redisServiceRef).connect({ url, user: ctx.name, connectTimeoutMs: options.connectTimeoutMs, offlineQueue: false });
      health = watchRedisHealth(connection, { component: ctx.name, critical: true, impact: 'chat runs and session reads fail until it answers', log: ctx.log, reporter });
      const location = connection.redact(url);
      const warn = (fields: Record<string, unknown>, message: string) => ctx.log.warn(fields, message);
      store = createRedisSessionStore({ client: connection.client, keyPrefix, location, warn });
      lease = createSessionLease({ client: connection.client, keyPrefix, ttlMs: options.leaseTtlMs, warn });
      if (connection.client.isReady) ctx.log.info({ redis: location, keyPrefix }, 'session store: Redis');
    });
    const reporter = gatewayReporter(ctx);
    ctx.hooks.diagnose.tapPromise(ctx.name, async (report) => {
      if (connection) return checkRedisDurability(connection, report);
      // Not started here (a CLI process: doctor): a connection of its own for the check, then closed.
      const probe = await openRedis({ url, connectTimeoutMs: Math.min(options.connectTimeoutMs, 2000), offlineQueue: false });
      try {
        await checkRedisDurability(probe, report);
      } finally {
        await probe.close().catch(() => undefined);
      }
    });
    ctx.onClose(async () => {
      health?.stop();
      lease?.close();
      await store?.close();
      await connection?.close();
    });
  },
});
