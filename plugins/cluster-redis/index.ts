/**
 * `cluster-redis`: what must happen once across gateway instances sharing Redis. Provides the
 * `ownership` service (renewed leases: channels, cron, scheduled backups run on their owner
 * only, with takeover when it dies), the `pairing-store` (approvals and pending codes shared)
 * the `channel-relay` (a non-owner's sends go through the owner) and the `cron-store` (cron
 * state in Redis, fenced by the `cron` lease) and the `seen-store` (replay and message-id
 * memory of inbound channels, `SET NX PX`). Status: RPC
 * `cluster.status` and metrics. See README.md beside this file.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import schema from '../../schemas/plugins/cluster-redis.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/cluster-redis.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { diagnoseRedis, gatewayReporter, type RedisConnection, type RedisHealth, redisServiceRef, redisSettings, watchRedisHealth } from '../../sdk/redis/index.ts';
import { cronStoreServiceRef, ownershipServiceRef, type CronStore, type OwnershipService } from '../../sdk/cluster/index.ts';
import { channelRelayRef, pairingStoreRef, seenStoreRef, type ChannelRelay, type PairingBackend, type SeenStore } from '../../sdk/channels/index.ts';
import { defineMethod } from '../../sdk/gateway/index.ts';
import * as validators from '../../schemas/generated/cluster-redis.method-params.validate.ts';
import { NO_PARAMS } from './method-params.ts';
import type { RedisOwnership } from './ownership.ts';

const IMPACT = 'this instance owns no channel, cron or backup schedule, and signed webhooks are refused (503, retryAfterMs), until it answers';

export interface ClusterRedisOptions {
  url?: string;
  keyPrefix?: string;
  connectTimeoutMs: number;
  leaseTtlMs: number;
}

export default definePlugin<ClusterRedisOptions>({
  name: 'cluster-redis',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Run once across the cluster: ownership leases, shared pairing store, channel relay (Redis)',
  sections: ['redis'],
  schema,
  validate: validateOptions,
  defaults: { connectTimeoutMs: 5000, leaseTtlMs: 15_000 },
  optionalDependencies: ['gateway'],
  consumes: [redisServiceRef],
  provides: [ownershipServiceRef, pairingStoreRef, seenStoreRef, cronStoreServiceRef, channelRelayRef],
  setup(ctx, options) {
    const { url, keyPrefix } = redisSettings(options, ctx.config);
    const instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
    let connection: RedisConnection | undefined;
    let health: RedisHealth | undefined;
    const reporter = gatewayReporter(ctx);
    let ownership: RedisOwnership | undefined;
    let pairing: PairingBackend | undefined;
    let relay: (ChannelRelay & { counters: { forwarded: number; relayed: number } }) | undefined;
    // The connection opens in start; consumers (channels, cron, backup) start after this plugin
    // (they list it as an optional dependency), so the services are ready when they call them.
    const ready = <T>(value: T | undefined): T => {
      if (value === undefined) throw new Error('cluster-redis: used before the kernel started');
      return value;
    };
    ctx.provide(ownershipServiceRef, {
      instance,
      clustered: true,
      hold: (resource, handlers) => ready(ownership).hold(resource, handlers),
      status: () => ready(ownership).status(),
    } satisfies OwnershipService);
    ctx.provide(pairingStoreRef, {
      load: (channel) => ready(pairing).load(channel),
      loadAll: () => ready(pairing).loadAll(),
      approvedSenders: (channel) => ready(pairing).approvedSenders(channel),
      list: (channel) => ready(pairing).list(channel),
      request: (...args) => ready(pairing).request(...args),
      approve: (...args) => ready(pairing).approve(...args),
      takeNotifications: (channel) => ready(pairing).takeNotifications(channel),
      reject: (...args) => ready(pairing).reject(...args),
      revoke: (...args) => ready(pairing).revoke(...args),
      flush: async () => undefined,
    } satisfies PairingBackend);
    let seen: SeenStore | undefined;
    ctx.provide(seenStoreRef, {
      // While Redis is down: MOLT_ERR_STORE_UNAVAILABLE at once (the webhook answers 503 + retryAfterMs).
      claim: (key, ttlMs) => ready(health).run(() => ready(seen).claim(key, ttlMs)),
      forget: (key) => ready(health).run(() => ready(seen).forget(key)),
    } satisfies SeenStore);
    let cron: CronStore | undefined;
    ctx.provide(cronStoreServiceRef, {
      get file() {
        return ready(cron).file;
      },
      load: () => ready(cron).load(),
      save: (data) => ready(cron).save(data),
      quarantine: () => ready(cron).quarantine(),
    } satisfies CronStore);
    ctx.provide(channelRelayRef, {
      forward: (channel, message) => ready(relay).forward(channel, message),
      serve: (channel, send) => ready(relay).serve(channel, send),
    } satisfies ChannelRelay);

    ctx.hooks.start.tapPromise(ctx.name, async () => {
      const [{ createRedisOwnership }, { createRedisPairingStore }, { createChannelRelay }, { createRedisCronStore }, { createRedisSeenStore }] = await Promise.all([
        import('./ownership.ts'), import('./pairing-store.ts'), import('./relay.ts'), import('./cron-store.ts'), import('./seen-store.ts'),
      ]);
      // Off: a lease renewal must fail fast rather than wait in a queue past the lease's expiry.
      connection = await ctx.use(redisServiceRef).connect({ url, user: ctx.name, connectTimeoutMs: options.connectTimeoutMs, offlineQueue: false });
      ownership = createRedisOwnership({ client: connection.client, keyPrefix, ttlMs: options.leaseTtlMs, instance, log: ctx.log });
      pairing = createRedisPairingStore(connection.client, keyPrefix);
      relay = createChannelRelay(connection.client, keyPrefix, ctx.log);
      cron = createRedisCronStore(connection.client, keyPrefix, instance);
      seen = createRedisSeenStore(connection.client, keyPrefix);
      health = watchRedisHealth(connection, { component: ctx.name, critical: false, impact: IMPACT, log: ctx.log, reporter });
      const location = connection.redact(url);
      if (connection.client.isReady) ctx.log.info({ redis: location, keyPrefix, instance }, 'cluster: Redis');
    });
    defineMethod(ctx, {
      name: 'cluster.status',
      scope: 'read',
      sideEffects: false,
      description: 'This instance id and who owns each cluster resource (channel:<id>, cron, backup-schedule)',
      params: NO_PARAMS,
      validate: validators.NO_PARAMS,
      handler: async () => ({ instance, owned: ownership?.owned() ?? [], resources: await ready(ownership).status() }),
    });
    ctx.hooks.collectMetrics.tap(ctx.name, (collector) => {
      collector.set('owned', ownership?.owned().length ?? 0);
      collector.set('acquired', ownership?.counters.acquired ?? 0);
      collector.set('lost', ownership?.counters.lost ?? 0);
      collector.set('errors', ownership?.counters.errors ?? 0);
      collector.set('relay_forwarded', relay?.counters.forwarded ?? 0);
      collector.set('relay_sent', relay?.counters.relayed ?? 0);
      collector.set('connected', connection?.client.isReady ? 1 : 0);
    });
    ctx.hooks.diagnose.tapPromise(ctx.name, (report) => diagnoseRedis(report, health, { url, connectTimeoutMs: options.connectTimeoutMs, component: ctx.name, critical: false, impact: IMPACT }));
    ctx.onClose(async () => {
      health?.stop();
      await ownership?.close();
      await connection?.close();
    });
  },
});
