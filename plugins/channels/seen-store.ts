/**
 * The default `SeenStore` (contract: sdk/channels/seen-store.ts): an append-only journal under
 * the state dir, so the replay and message-id memory survives a restart for the whole window.
 * A provider of `seenStoreRef` (cluster-redis) takes its place in a cluster.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SeenStore } from '../../sdk/channels/index.ts';
import { AppendFile } from '../../sdk/core/index.ts';
import { writeFileAtomic } from '../../sdk/core/index.ts';

export function seenFile(stateDir: string): string {
  return join(stateDir, 'channels', 'seen.jsonl');
}

export interface FileSeenStoreOptions {
  now?: () => number;
  /** Most keys kept; beyond it the oldest go first (default 100 000). */
  maxKeys?: number;
}

/**
 * Journal lines `{"k":key,"e":expiresAtMs}` (`e: 0` forgets), appended in order through the
 * shared `AppendFile` (core/append-file.ts: every claim is written in full and fsynced before it
 * counts, concurrent claims share one synced write; a line that did not fully land, e.g. a full disk,
 * is cut off again and the claim fails with MOLT_ERR_STORE_NO_SPACE; a torn tail a crash left is
 * cut on open, so it is never glued to the next record). The last line of a key wins. The
 * journal is compacted atomically (live keys only) when it holds twice as many lines as live
 * keys.
 */
export class FileSeenStore implements SeenStore {
  readonly #file: string;
  readonly #now: () => number;
  readonly #maxKeys: number;
  readonly #live = new Map<string, number>();
  #opening: Promise<void> | undefined;
  #tail: Promise<void> = Promise.resolve();
  #lines = 0;
  #size = 0;
  #appender: AppendFile | undefined;

  constructor(file: string, options: FileSeenStoreOptions = {}) {
    this.#file = file;
    this.#now = options.now ?? Date.now;
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  get size(): number {
    return this.#live.size;
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    await this.#ready();
    const at = this.#now();
    const expires = this.#live.get(key);
    // Decided synchronously: a concurrent claim of the same key sees this one at once.
    if (expires !== undefined && expires >= at) return false;
    this.#live.delete(key);
    const until = at + Math.max(0, ttlMs);
    this.#live.set(key, until);
    this.#bound(at);
    try {
      await this.#append({ k: key, e: until });
    } catch (error) {
      // Not remembered on disk: not remembered at all (the request fails and may be retried).
      if (this.#live.get(key) === until) this.#live.delete(key);
      throw error;
    }
    return true;
  }

  async forget(key: string): Promise<void> {
    await this.#ready();
    if (!this.#live.delete(key)) return;
    await this.#append({ k: key, e: 0 });
  }

  /** Loads the journal once; a failed load is tried again by the next call. */
  #ready(): Promise<void> {
    this.#opening ??= this.#open().catch((error: unknown) => {
      this.#opening = undefined;
      throw error;
    });
    return this.#opening;
  }

  async #open(): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const at = this.#now();
    let lines = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      lines++;
      try {
        const { k, e } = JSON.parse(line) as { k: unknown; e: unknown };
        if (typeof k !== 'string' || typeof e !== 'number') continue;
        this.#live.delete(k);
        if (e >= at) this.#live.set(k, e);
      } catch {
        // A torn line (a crash mid-append): skipped; the rewrite below drops it.
      }
    }
    this.#bound(at);
    this.#lines = lines;
    this.#size = Buffer.byteLength(text);
    if (text !== '' && !text.endsWith('\n')) await this.#compact();
  }

  /** Drops expired keys (oldest first: insertion order is nearly expiry order), then the oldest beyond maxKeys. */
  #bound(at: number): void {
    for (const [key, expires] of this.#live) {
      if (expires >= at && this.#live.size <= this.#maxKeys) break;
      this.#live.delete(key);
    }
  }

  #append(entry: { k: string; e: number }): Promise<void> {
    const run = async () => {
      if (this.#appender === undefined) {
        await mkdir(dirname(this.#file), { recursive: true, mode: 0o700 });
        this.#appender = new AppendFile(this.#file, this.#size);
      }
      // Rejects (and cuts the file back) when the line did not fully land.
      await this.#appender.append(`${JSON.stringify(entry)}\n`);
      this.#lines++;
      if (this.#lines > 2 * this.#live.size + 1024) await this.#compact();
    };
    const next = this.#tail.then(run, run);
    this.#tail = next.catch(() => undefined);
    return next;
  }

  async #compact(): Promise<void> {
    this.#bound(this.#now());
    const text = [...this.#live].map(([k, e]) => `${JSON.stringify({ k, e })}\n`).join('');
    // The rename replaces the file: the appender's handle would write to the old one.
    await this.#appender?.close();
    this.#appender = undefined;
    await writeFileAtomic(this.#file, text, { mkdir: true });
    this.#lines = this.#live.size;
    this.#size = Buffer.byteLength(text);
  }

  /** Closes the journal (on kernel close); a later claim opens it again. */
  async close(): Promise<void> {
    await this.#tail;
    await this.#appender?.close();
    this.#appender = undefined;
  }
}
