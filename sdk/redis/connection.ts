/**
 * One way to open a Redis connection (`@redis/client`, through @keyv/redis's re-export so the
 * project carries one Redis library): connection errors always have a listener (without one
 * they crash the process), messages are redacted (a URL may carry a password), reconnects back
 * off up to 2 s, and opening waits only until the first answer (ready, or the first
 * connection error: a refused connection ends the wait at once) and never longer than
 * `START_WAIT_MS`, so a gateway with Redis down opens its port at once, reports the component
 * down (see health.ts) and keeps reconnecting in the background. Used by every Redis plugin.
 */
import { createClient } from '@keyv/redis';
import { errorText, redact } from '../cache/index.ts';

export type RedisClient = ReturnType<typeof createClient>;

export interface RedisConnectionOptions {
  url: string;
  connectTimeoutMs: number;
  /**
   * Off: a command while disconnected fails at once (a cache miss beats a wait). On: it waits
   * for the reconnect (a session append should ride out a blip).
   */
  offlineQueue: boolean;
}

export interface RedisConnection {
  readonly client: RedisClient;
  /** The last connection error, redacted; undefined while connected. */
  lastError(): string | undefined;
  /** Redacts the URL (and its password) out of any text. */
  redact(text: string): string;
  close(): Promise<void>;
}

const MAX_BACKOFF_MS = 2000;
/** Longest a plugin's start waits for Redis (an unreachable host would otherwise hold start for the socket timeout). */
export const START_WAIT_MS = 1000;

export async function openRedis(options: RedisConnectionOptions): Promise<RedisConnection> {
  const secrets = [options.url];
  let client: RedisClient;
  try {
    client = createClient({
      url: options.url,
      disableOfflineQueue: !options.offlineQueue,
      socket: {
        connectTimeout: options.connectTimeoutMs,
        reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, MAX_BACKOFF_MS),
      },
    });
  } catch (error) {
    // The client's own message may quote the URL, password included.
    throw new Error(`invalid Redis connection settings: ${redact(errorText(error), secrets)}`);
  }
  // Several users (keyv namespaces, subscribers) add listeners to this one client.
  client.setMaxListeners(0);
  let lastConnectionError: string | undefined;
  client.on('error', (error: unknown) => {
    lastConnectionError = redact(errorText(error), secrets);
  });
  client.on('ready', () => {
    lastConnectionError = undefined;
  });
  const connecting = client.connect().catch(() => undefined);
  const firstError = new Promise<void>((resolve) => client.once('error', () => resolve()));
  await waitAtMost(Promise.race([connecting, firstError]), Math.min(options.connectTimeoutMs, START_WAIT_MS));
  return {
    client,
    lastError: () => lastConnectionError,
    redact: (text) => redact(text, secrets),
    async close() {
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
