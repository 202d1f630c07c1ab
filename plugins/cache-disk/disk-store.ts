/**
 * The disk tier: a durable local cache under the state dir that survives restarts. Calls are
 * synchronous SQLite statements (no timeout: a timer cannot fire before they return). A
 * periodic sweep drops expired rows and keeps the table within `maxEntries`; a sweep that
 * fails is reported through the adapters' `error` events, so the tier shows it as degraded.
 */
import { Keyv } from 'keyv';
import type { CacheStore } from '../../sdk/cache/index.ts';
import { SqliteKeyvAdapter } from './sqlite-adapter.ts';
import { SqliteCacheDb } from './sqlite-db.ts';

export interface DiskStoreOptions {
  /** Absolute path of the SQLite file. */
  path: string;
  maxEntries: number;
  sweepIntervalMs: number;
}

export function createDiskStore(options: DiskStoreOptions): CacheStore {
  const db = new SqliteCacheDb(options.path);
  const adapters: SqliteKeyvAdapter[] = [];
  const sweep = () => {
    try {
      db.sweep(Date.now(), options.maxEntries);
    } catch (error) {
      for (const adapter of adapters) adapter.emit('error', error);
    }
  };
  // Rows that expired while the gateway was down go now, not one interval later.
  db.sweep(Date.now(), options.maxEntries);
  const timer = setInterval(sweep, options.sweepIntervalMs);
  timer.unref?.();
  return {
    timeoutMs: 0,
    keyv: (namespace) => {
      const adapter = new SqliteKeyvAdapter(db);
      adapters.push(adapter);
      return new Keyv({ store: adapter, namespace });
    },
    stats: () => ({ entries: db.count(), bytes: db.bytes(), maxEntries: options.maxEntries }),
    close: async () => {
      clearInterval(timer);
      db.close();
    },
  };
}
