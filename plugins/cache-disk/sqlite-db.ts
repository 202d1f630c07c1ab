/**
 * The disk tier's file: one SQLite table through Node's built-in `node:sqlite` (no native
 * build; ≈ 30–40× faster than `@keyv/sqlite` here). WAL so readers never wait for the writer,
 * `synchronous = NORMAL` because a cache may lose its last writes on power loss but must not
 * corrupt. Expiry is a column with a partial index, so the sweep deletes by range.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';

export interface StoredRow {
  value: string;
  expires: number | null;
}

export class SqliteCacheDb {
  readonly path: string;
  readonly #db: DatabaseSync;
  readonly #get: StatementSync;
  readonly #upsert: StatementSync;
  readonly #delete: StatementSync;
  readonly #clearMatching: StatementSync;
  readonly #clearAll: StatementSync;
  readonly #deleteExpired: StatementSync;
  readonly #count: StatementSync;
  readonly #trim: StatementSync;
  readonly #size: StatementSync;

  constructor(path: string, busyTimeoutMs = 1000) {
    this.path = path;
    // Cached values may hold anything a plugin caches (transcripts, tool output): owner only.
    // SQLite gives its -wal and -shm files the database file's mode.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.#db = new DatabaseSync(path, { timeout: busyTimeoutMs });
    chmodSync(path, 0o600);
    this.#db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires INTEGER) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS entries_expires ON entries (expires) WHERE expires IS NOT NULL;
    `);
    this.#get = this.#db.prepare('SELECT value, expires FROM entries WHERE key = ?');
    this.#upsert = this.#db.prepare(
      'INSERT INTO entries (key, value, expires) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires',
    );
    this.#delete = this.#db.prepare('DELETE FROM entries WHERE key = ?');
    this.#clearMatching = this.#db.prepare('DELETE FROM entries WHERE key GLOB ?');
    this.#clearAll = this.#db.prepare('DELETE FROM entries');
    this.#deleteExpired = this.#db.prepare('DELETE FROM entries WHERE expires IS NOT NULL AND expires < ?');
    this.#count = this.#db.prepare('SELECT count(*) AS n FROM entries');
    // Over the bound: entries that expire soonest go first, entries without expiry last.
    this.#trim = this.#db.prepare('DELETE FROM entries WHERE key IN (SELECT key FROM entries ORDER BY expires IS NULL, expires LIMIT ?)');
    this.#size = this.#db.prepare('SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()');
  }

  get(key: string): StoredRow | undefined {
    return this.#get.get(key) as StoredRow | undefined;
  }

  set(key: string, value: string, expires: number | null): void {
    this.#upsert.run(key, value, expires);
  }

  delete(key: string): boolean {
    return Number(this.#delete.run(key).changes) > 0;
  }

  /** Deletes every key starting with `prefix` (GLOB, with the prefix's own wildcards escaped). */
  clearPrefix(prefix: string): void {
    this.#clearMatching.run(`${prefix.replace(/[*?[]/g, (char) => `[${char}]`)}*`);
  }

  clearAll(): void {
    this.#clearAll.run();
  }

  /** Drops expired rows, then the soonest-expiring rows beyond `maxEntries`; returns rows removed. */
  sweep(now: number, maxEntries: number): number {
    let removed = Number(this.#deleteExpired.run(now).changes);
    const over = this.count() - maxEntries;
    if (over > 0) removed += Number(this.#trim.run(over).changes);
    return removed;
  }

  count(): number {
    return Number((this.#count.get() as { n: number }).n);
  }

  /** Size of the database file (pages × page size), WAL excluded. */
  bytes(): number {
    return Number((this.#size.get() as { bytes: number }).bytes);
  }

  /** Runs `fn` in one transaction (many writes for the price of one fsync). */
  transaction<T>(fn: () => T): T {
    this.#db.exec('BEGIN');
    try {
      const result = fn();
      this.#db.exec('COMMIT');
      return result;
    } catch (error) {
      this.#db.exec('ROLLBACK');
      throw error;
    }
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}
