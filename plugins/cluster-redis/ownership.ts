/**
 * The `ownership` service over Redis leases (plugins/redis/lease.ts): one key per resource,
 * `<prefix>:owner:<resource>`, holding the owner's instance id. A holder renews every ttl/3; a
 * non-owner retries to take it at the same pace, so a dead owner is replaced within about
 * ttl + ttl/3. When renewal fails (the key was taken, or Redis did not answer for so long that
 * the lease may have expired) onLose runs before anyone else can have acquired it.
 */
import type { Logger } from '../../sdk/core/index.ts';
import type { OwnershipHandlers, OwnershipHold, OwnershipService, ResourceStatus } from '../../sdk/cluster/index.ts';
import { type RedisClient, redisLeases } from '../../sdk/redis/index.ts';

export interface RedisOwnershipOptions {
  client: RedisClient;
  keyPrefix: string;
  ttlMs: number;
  instance: string;
  log: Logger;
}

export interface OwnershipCounters {
  acquired: number;
  lost: number;
  errors: number;
}

export interface RedisOwnership extends OwnershipService {
  readonly counters: OwnershipCounters;
  /** Resources this instance owns right now. */
  owned(): string[];
  /** Releases every hold (onLose first, then the key), so another instance takes over at once. */
  close(): Promise<void>;
}

export function createRedisOwnership(options: RedisOwnershipOptions): RedisOwnership {
  const { client, instance, ttlMs, log } = options;
  const leases = redisLeases(client);
  const intervalMs = Math.max(10, Math.floor(ttlMs / 3));
  const counters: OwnershipCounters = { acquired: 0, lost: 0, errors: 0 };
  const holds = new Map<string, { owned(): boolean; release(): Promise<void> }>();
  const keyOf = (resource: string) => `${options.keyPrefix}:owner:${resource}`;

  function hold(resource: string, handlers: OwnershipHandlers): Promise<OwnershipHold> {
    if (holds.has(resource)) throw new Error(`ownership: "${resource}" is already held by this instance`);
    const key = keyOf(resource);
    let owned = false;
    let stopped = false;
    let renewedAt = 0;
    let timer: NodeJS.Timeout | undefined;
    // onAcquire / onLose run in order, outside the renewal loop (a slow start must not stall renewals).
    let work: Promise<void> = Promise.resolve();
    const run = (what: 'onAcquire' | 'onLose') => {
      work = work.then(() => handlers[what]()).catch((error: unknown) => log.error({ err: error, resource }, `ownership: ${what} failed`));
      return work;
    };
    const lose = (reason: string) => {
      owned = false;
      counters.lost++;
      log.warn({ resource, reason }, 'ownership lost');
      return run('onLose');
    };
    const step = async () => {
      const startedAt = Date.now();
      try {
        if (owned) {
          if (await bounded(leases.renew(key, instance, ttlMs), intervalMs)) renewedAt = startedAt;
          else await lose('the lease expired or another instance holds it');
        } else if (await bounded(leases.tryAcquire(key, instance, ttlMs), intervalMs)) {
          owned = true;
          renewedAt = startedAt;
          counters.acquired++;
          log.info({ resource, instance }, 'ownership acquired');
          await run('onAcquire');
        }
      } catch (error) {
        counters.errors++;
        // Unsure whether the lease still stands: stop before it could have expired elsewhere.
        if (owned && Date.now() + intervalMs - renewedAt >= ttlMs) await lose(`Redis did not answer (${(error as Error).message})`);
      }
    };
    const loop = async () => {
      await step();
      if (!stopped) {
        timer = setTimeout(() => void loop(), intervalMs);
        timer.unref();
      }
    };
    const entry = {
      owned: () => owned,
      async release() {
        if (stopped) return;
        stopped = true;
        clearTimeout(timer);
        holds.delete(resource);
        if (owned) {
          owned = false;
          await run('onLose');
          await leases.release(key, instance).catch(() => undefined);
        }
        await work;
      },
    };
    holds.set(resource, entry);
    return loop().then(() => work).then(() => entry);
  }

  async function status(): Promise<ResourceStatus[]> {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: `${options.keyPrefix}:owner:*`, COUNT: 200 })) keys.push(...batch);
    const seen = new Set<string>();
    const rows: ResourceStatus[] = [];
    for (const key of keys.sort()) {
      const resource = key.slice(`${options.keyPrefix}:owner:`.length);
      const [owner, ttl] = await Promise.all([client.get(key), client.pTTL(key)]);
      if (owner == null) continue;
      seen.add(resource);
      rows.push({ resource, owner, ...(ttl >= 0 ? { expiresInMs: ttl } : {}) });
    }
    for (const resource of holds.keys()) if (!seen.has(resource)) rows.push({ resource });
    return rows;
  }

  return {
    instance,
    clustered: true,
    counters,
    hold,
    status,
    owned: () => [...holds].filter(([, entry]) => entry.owned()).map(([resource]) => resource),
    async close() {
      await Promise.all([...holds.values()].map((entry) => entry.release()));
    },
  };
}

/** A Redis call that may hang (a silent network) must not stall the renewal loop. */
function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
