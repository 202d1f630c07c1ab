/**
 * The cron state (runtime jobs and each job's claimed slots) in Redis, `<prefix>:cron:state`, so
 * the instance that takes the scheduler over continues from the slots the dead owner claimed
 * instead of firing them again. Writes are fenced: a save succeeds only while this instance
 * still holds the `cron` ownership lease (checked in the same script), so an owner that lost
 * its lease (a long pause) cannot overwrite its successor's claims; its run then does not start.
 */
import type { CronFile, CronStore } from '../../sdk/cluster/index.ts';
import { type RedisClient, redisScript } from '../../sdk/redis/index.ts';

const FENCED_SET = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[2], ARGV[2]) return 1 end return 0`;

export function createRedisCronStore(client: RedisClient, keyPrefix: string, instance: string): CronStore {
  const key = `${keyPrefix}:cron:state`;
  const ownerKey = `${keyPrefix}:owner:cron`;
  const save = redisScript(client, FENCED_SET);
  return {
    file: `redis:${key}`,
    async load(): Promise<CronFile> {
      const raw = await client.get(key);
      if (raw == null) return { version: 1, jobs: [], state: {} };
      const data = JSON.parse(raw) as CronFile;
      if (data?.version !== 1 || !Array.isArray(data.jobs) || typeof data.state !== 'object' || data.state === null) throw new Error(`${key}: not a version 1 cron state`);
      return data;
    },
    async save(data) {
      if ((await save.run([ownerKey, key], [instance, JSON.stringify(data)])) !== 1) {
        throw new Error('this instance no longer owns the cron scheduler (lease lost); the new owner keeps the state');
      }
    },
    async quarantine() {
      const aside = `${key}:damaged:${Date.now()}`;
      await client.rename(key, aside).catch(() => undefined);
      return `redis:${aside}`;
    },
  };
}
