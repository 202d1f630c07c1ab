/**
 * Sources (client-address.ts) that presented a correct credential recently. The remote
 * password-check budget (auth-flow.ts) does not apply to them, so an attacker who spends the
 * whole budget from rotating addresses cannot keep out an owner coming back from an address
 * that logged in before; their per-source lockout still applies. Bounded (oldest out first)
 * and forgotten after a day, so a flood of logins cannot grow it.
 *
 * Persisted in the state dir (`gateway/known-sources.json`, atomic replace, at most
 * MAX_SOURCES entries with their expiry) so a restart does not forget the owner; when the
 * rate-limit service can share them (rate-limit-redis), every instance of a cluster sees them
 * too (auth-flow.ts asks the service as well).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LRUCache } from 'lru-cache';
import { writeJsonAtomic } from '../../sdk/core/index.ts';

export const MAX_SOURCES = 1_000;
export const KNOWN_SOURCE_TTL_MS = 24 * 60 * 60 * 1000;
/** Logins come in bursts (a browser opens several sockets): one write per second at most. */
const SAVE_DELAY_MS = 1_000;

interface Stored {
  version: 1;
  /** source → expiry (epoch ms). */
  sources: Record<string, number>;
}

export interface KnownSourcesOptions {
  /** Where the set is persisted; in memory only when undefined. */
  stateDir?: string;
  /** A failed save (full disk): logged by the caller, the set still works in memory. */
  onSaveError?: (error: unknown) => void;
}

export class KnownSources {
  readonly #sources = new LRUCache<string, true>({ max: MAX_SOURCES, ttl: KNOWN_SOURCE_TTL_MS });
  readonly #file: string | undefined;
  readonly #onSaveError: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #saving: Promise<void> = Promise.resolve();

  constructor(options: KnownSourcesOptions = {}) {
    this.#file = options.stateDir === undefined ? undefined : join(options.stateDir, 'gateway', 'known-sources.json');
    this.#onSaveError = options.onSaveError ?? (() => undefined);
  }

  get file(): string | undefined {
    return this.#file;
  }

  /** Reads the persisted set; a missing or unreadable file is an empty set (it is only a convenience). */
  async load(): Promise<void> {
    if (this.#file === undefined) return;
    let stored: Stored;
    try {
      stored = JSON.parse(await readFile(this.#file, 'utf8')) as Stored;
    } catch {
      return;
    }
    if (stored?.version !== 1 || typeof stored.sources !== 'object' || stored.sources === null) return;
    const now = Date.now();
    const entries = Object.entries(stored.sources)
      .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] > now)
      .sort((a, b) => a[1] - b[1])
      .slice(-MAX_SOURCES);
    for (const [source, expires] of entries) this.#sources.set(source, true, { ttl: Math.min(expires - now, KNOWN_SOURCE_TTL_MS) });
  }

  add(source: string): void {
    this.#sources.set(source, true);
    if (this.#file !== undefined && this.#timer === undefined) {
      this.#timer = setTimeout(() => void this.flush(), SAVE_DELAY_MS);
      this.#timer.unref();
    }
  }

  has(source: string): boolean {
    return this.#sources.get(source) === true;
  }

  /** Writes pending changes now (also on close); one write at a time. */
  flush(): Promise<void> {
    if (this.#timer === undefined) return this.#saving;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const file = this.#file as string;
    this.#saving = this.#saving.then(async () => {
      const now = Date.now();
      const sources: Record<string, number> = {};
      for (const source of this.#sources.keys()) sources[source] = now + this.#sources.getRemainingTTL(source);
      try {
        await writeJsonAtomic(file, { version: 1, sources } satisfies Stored, { mkdir: true });
      } catch (error) {
        this.#onSaveError(error);
      }
    });
    return this.#saving;
  }
}
