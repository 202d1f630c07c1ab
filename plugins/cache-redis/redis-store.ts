/**
 * The Redis tier: `@keyv/redis` over one `@redis/client` connection shared by every
 * namespace (keys `<keyPrefix>:<namespace>::<key>`, expiry by Redis itself with PXAT).
 * Built so an outage costs a miss, not a wait: the offline queue is off (a command while
 * disconnected fails at once instead of queueing until reconnect), reconnects back off up to
 * 2 s, and creating the store waits for the connection at most `connectTimeoutMs`, so the
 * gateway starts with Redis down (the tier then starts degraded).
 */
import KeyvRedis, { type RedisClientConnectionType } from '@keyv/redis';
import { Keyv } from 'keyv';
import type { CacheStore } from '../../sdk/cache/index.ts';
import { openRedis, type RedisConnection } from '../../sdk/redis/index.ts';

export interface RedisStoreOptions {
  url: string;
  keyPrefix: string;
  opTimeoutMs: number;
  connectTimeoutMs: number;
  /** Where the connection comes from (the plugin: the kernel's shared one); default a private one. */
  connect?: () => Promise<RedisConnection>;
}

/** Connects, pings and disconnects (doctor's probe); the error never carries the URL (it may hold a password). */
export async function probeRedis(url: string, connectTimeoutMs: number): Promise<void> {
  const connection = await openRedis({ url, connectTimeoutMs, offlineQueue: false });
  try {
    if (!connection.client.isReady) throw new Error(`not connected to Redis within ${connectTimeoutMs} ms${connection.lastError() ? ` (${connection.lastError()})` : ''}`);
    await connection.client.ping();
  } catch (error) {
    throw new Error((error instanceof Error ? error.message : String(error)).split(url).join('<redis url>'));
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** `opened` gets the connection (the plugin watches its health). */
export async function createRedisStore(options: RedisStoreOptions, opened?: (connection: RedisConnection) => void): Promise<CacheStore> {
  const connection = await (options.connect?.() ?? openRedis({ url: options.url, connectTimeoutMs: options.connectTimeoutMs, offlineQueue: false }));
  opened?.(connection);
  const { client } = connection;
  return {
    timeoutMs: options.opTimeoutMs,
    secrets: [options.url],
    keyv: (namespace) => new Keyv({
      store: new KeyvRedis(client as unknown as RedisClientConnectionType, { throwOnConnectError: false }),
      namespace: `${options.keyPrefix}:${namespace}`,
    }),
    ping: async () => {
      const lastError = connection.lastError();
      if (!client.isReady) throw new Error(`not connected to Redis${lastError ? ` (${lastError})` : ''}`);
      await client.ping();
    },
    close: () => connection.close(),
  };
}
