/**
 * The Redis tier: `@keyv/redis` over one `@redis/client` connection shared by every
 * namespace (keys `<keyPrefix>:<namespace>::<key>`, expiry by Redis itself with PXAT).
 * Built so an outage costs a miss, not a wait: the offline queue is off (a command while
 * disconnected fails at once instead of queueing until reconnect), reconnects back off up to
 * 2 s, and creating the store waits for the connection at most `connectTimeoutMs`, so the
 * gateway starts with Redis down (the tier then starts degraded).
 */
import KeyvRedis, { createClient, type RedisClientConnectionType } from '@keyv/redis';
import { Keyv } from 'keyv';
import { errorText, redact } from '../cache/redact.ts';
import type { CacheStore } from '../cache/store-contract.ts';

export interface RedisStoreOptions {
  url: string;
  keyPrefix: string;
  opTimeoutMs: number;
  connectTimeoutMs: number;
}

const MAX_BACKOFF_MS = 2000;

export async function createRedisStore(options: RedisStoreOptions): Promise<CacheStore> {
  const secrets = [options.url];
  let client: ReturnType<typeof createClient>;
  try {
    client = createClient({
      url: options.url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: options.connectTimeoutMs,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_BACKOFF_MS),
      },
    });
  } catch (error) {
    // The client's own message may quote the URL, password included.
    throw new Error(`invalid Redis connection settings: ${redact(errorText(error), secrets)}`);
  }
  // Each namespace's KeyvRedis adds its listeners to this one client.
  client.setMaxListeners(0);
  let lastConnectionError: string | undefined;
  // Connection errors arrive here before any namespace exists; without a listener they would crash the process.
  client.on('error', (error: unknown) => {
    lastConnectionError = redact(errorText(error), secrets);
  });
  client.on('ready', () => {
    lastConnectionError = undefined;
  });
  const connecting = client.connect().catch(() => undefined);
  await waitAtMost(connecting, options.connectTimeoutMs);

  return {
    timeoutMs: options.opTimeoutMs,
    secrets,
    keyv: (namespace) => new Keyv({
      store: new KeyvRedis(client as unknown as RedisClientConnectionType, { throwOnConnectError: false }),
      namespace: `${options.keyPrefix}:${namespace}`,
    }),
    ping: async () => {
      if (!client.isReady) throw new Error(`not connected to Redis${lastConnectionError ? ` (${lastConnectionError})` : ''}`);
      await client.ping();
    },
    close: async () => {
      if (client.isReady) {
        try {
          await client.close();
          return;
        } catch {
          // Fall through: a close that fails still has to release the socket.
        }
      }
      if (client.isOpen) client.destroy();
    },
  };
}

function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void work.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
