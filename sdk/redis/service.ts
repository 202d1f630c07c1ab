/**
 * The shared Redis connection service: every plugin that talks to the same Redis URL gets the
 * same client, opened by the first user and closed when the last one lets go, instead of each
 * plugin opening its own socket (five Redis plugins were five connections per gateway). A user
 * that needs a connection of its own (SUBSCRIBE puts a client in subscriber mode; blocking pops
 * hold it) asks for a dedicated one; it is counted here too, so `connections()` lists every
 * socket the kernel keeps open to Redis.
 */
import type { RedisConnection, RedisConnectionOptions } from './connection.ts';

/** Used when a user names no connect timeout (the first-party Redis plugins' default). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export interface RedisConnectRequest {
  /** `redis://[user:password@]host:port[/db]`; connections are shared per URL. */
  url: string;
  /** Who holds it (the plugin name), listed by `connections()`. */
  user: string;
  /** Applies when this request opens the connection; a shared one keeps its first user's. */
  connectTimeoutMs?: number;
  /**
   * Off (default): a command while disconnected fails at once. On: it waits for the reconnect.
   * Shared connections are kept apart by this setting (one client per URL and mode).
   */
  offlineQueue?: boolean;
  /** A connection of its own, never shared (pub/sub subscribers, blocking commands). */
  dedicated?: boolean;
}

export interface RedisConnectionInfo {
  /** The URL with its password masked. */
  url: string;
  shared: boolean;
  offlineQueue: boolean;
  /** One entry per hold (a plugin holding it twice is listed twice). */
  users: string[];
}

export interface RedisService {
  /**
   * A connection to `request.url`: the shared one (opened now if nobody holds it) or, with
   * `dedicated`, a new one. The returned connection's `close()` releases this hold only; the
   * socket closes when its last holder released it.
   */
  connect(request: RedisConnectRequest): Promise<RedisConnection>;
  /** Every connection open now (or opening), for doctor, metrics and tests. */
  connections(): RedisConnectionInfo[];
}

type Open = (options: RedisConnectionOptions) => Promise<RedisConnection>;

interface Entry {
  key: string;
  url: string;
  shared: boolean;
  offlineQueue: boolean;
  users: string[];
  connection: Promise<RedisConnection>;
}

/** The redis client (≈150 ms to import) loads with the first connection, not with the SDK. */
const openLazily: Open = async (options) => (await import('./connection.ts')).openRedis(options);

export function createRedisService(open: Open = openLazily): RedisService {
  const entries = new Set<Entry>();
  const shared = new Map<string, Entry>();

  const release = async (entry: Entry, user: string): Promise<void> => {
    entry.users.splice(entry.users.indexOf(user), 1);
    if (entry.users.length > 0) return;
    entries.delete(entry);
    if (shared.get(entry.key) === entry) shared.delete(entry.key);
    await (await entry.connection).close();
  };

  const hold = (entry: Entry, user: string, connection: RedisConnection): RedisConnection => {
    let released: Promise<void> | undefined;
    return {
      client: connection.client,
      lastError: () => connection.lastError(),
      redact: (text) => connection.redact(text),
      // Once per hold: a plugin closing twice must not release another plugin's share.
      close: () => (released ??= release(entry, user)),
    };
  };

  return {
    async connect(request) {
      const offlineQueue = request.offlineQueue ?? false;
      const key = `${offlineQueue ? 'queue' : 'direct'} ${request.url}`;
      let entry = request.dedicated ? undefined : shared.get(key);
      if (entry === undefined) {
        const connection = open({ url: request.url, connectTimeoutMs: request.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, offlineQueue });
        entry = { key, url: request.url, shared: !request.dedicated, offlineQueue, users: [], connection };
        entries.add(entry);
        if (entry.shared) shared.set(key, entry);
        const opened = entry;
        // A failed open (bad settings) is forgotten so the next request tries again.
        connection.catch(() => {
          entries.delete(opened);
          if (shared.get(key) === opened) shared.delete(key);
        });
      }
      entry.users.push(request.user);
      try {
        return hold(entry, request.user, await entry.connection);
      } catch (error) {
        entry.users.splice(entry.users.indexOf(request.user), 1);
        throw error;
      }
    },
    connections() {
      return [...entries].map((entry) => ({ url: maskPassword(entry.url), shared: entry.shared, offlineQueue: entry.offlineQueue, users: [...entry.users] }));
    },
  };
}

function maskPassword(url: string): string {
  return url.replace(/(\w+:\/\/)([^\s/@:]*):[^\s/@]*@/, '$1$2:[REDACTED]@');
}
