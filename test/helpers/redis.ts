/**
 * The real Redis on 127.0.0.1:6379 for integration tests: each test gets its own key prefix,
 * and every key under it is deleted when the test (or the suite, for beforeAll) finishes.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { onTestFinished } from 'vitest';

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Deletes every key under `prefix:`. */
export async function deletePrefix(prefix: string): Promise<void> {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 500 })) if (keys.length > 0) await client.del(keys);
  } finally {
    await client.close();
  }
}

/** A fresh key prefix; `cleanup: 'test'` (default) deletes its keys when the current test finishes. */
export function redisPrefix(options: { cleanup?: 'test' | 'manual' } = {}): string {
  const prefix = `moltbot-test-${randomBytes(6).toString('hex')}`;
  if (options.cleanup !== 'manual') onTestFinished(() => deletePrefix(prefix));
  return prefix;
}
