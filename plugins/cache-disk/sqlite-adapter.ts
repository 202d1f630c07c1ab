/**
 * A Keyv v6 storage adapter over `SqliteCacheDb`: one adapter per namespace, all sharing the
 * database. It receives Keyv's serialized envelope (a string) with an absolute `expires`, and
 * reports a failure once, by rejecting (Keyv then emits it), as the adapter contract asks.
 */
import { EventEmitter } from 'node:events';
import { keyvStorageCapability, type KeyvStorageEntry } from 'keyv';
import type { SqliteCacheDb } from './sqlite-db.ts';

const SEPARATOR = '::';

export class SqliteKeyvAdapter extends EventEmitter {
  /** Set by Keyv from its own namespace. */
  namespace: string | undefined;
  readonly #db: SqliteCacheDb;

  constructor(db: SqliteCacheDb, namespace?: string) {
    super();
    this.#db = db;
    this.namespace = namespace;
  }

  get capabilities() {
    return keyvStorageCapability(this);
  }

  async get(key: string): Promise<string | undefined> {
    return this.#read(this.#key(key));
  }

  async getMany(keys: string[]): Promise<(string | undefined)[]> {
    return keys.map((key) => this.#read(this.#key(key)));
  }

  async has(key: string): Promise<boolean> {
    return this.#read(this.#key(key)) !== undefined;
  }

  async hasMany(keys: string[]): Promise<boolean[]> {
    return keys.map((key) => this.#read(this.#key(key)) !== undefined);
  }

  async set(key: string, value: unknown, expires?: number): Promise<boolean> {
    this.#write(this.#key(key), value, expires);
    return true;
  }

  async setMany(entries: KeyvStorageEntry<unknown>[]): Promise<boolean[]> {
    this.#db.transaction(() => {
      for (const entry of entries) this.#write(this.#key(entry.key), entry.value, entry.expires);
    });
    return entries.map(() => true);
  }

  async delete(key: string): Promise<boolean> {
    return this.#db.delete(this.#key(key));
  }

  async deleteMany(keys: string[]): Promise<boolean[]> {
    return this.#db.transaction(() => keys.map((key) => this.#db.delete(this.#key(key))));
  }

  async clear(): Promise<void> {
    if (this.namespace) this.#db.clearPrefix(`${this.namespace}${SEPARATOR}`);
    else this.#db.clearAll();
  }

  /** The database belongs to the store, which closes it once for every namespace. */
  async disconnect(): Promise<void> {}

  #key(key: string): string {
    return this.namespace ? `${this.namespace}${SEPARATOR}${key}` : key;
  }

  #read(key: string): string | undefined {
    const row = this.#db.get(key);
    if (row === undefined) return undefined;
    if (row.expires !== null && Date.now() > row.expires) {
      this.#db.delete(key);
      return undefined;
    }
    return row.value;
  }

  #write(key: string, value: unknown, expires: number | undefined): void {
    if (typeof value !== 'string') {
      throw new TypeError('the disk cache stores serialized text: keep Keyv\'s serialization on for this adapter');
    }
    if (typeof expires === 'number' && Date.now() > expires) {
      this.#db.delete(key);
      return;
    }
    this.#db.set(key, value, typeof expires === 'number' && Number.isFinite(expires) ? Math.ceil(expires) : null);
  }
}
