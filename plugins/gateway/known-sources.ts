/**
 * Sources (client-address.ts) that presented a correct credential recently. The remote
 * password-check budget (auth-flow.ts) does not apply to them, so an attacker who spends the
 * whole budget from rotating addresses cannot keep out an owner coming back from an address
 * that logged in before; their per-source lockout still applies. Bounded (oldest out first)
 * and forgotten after a day, so a flood of logins cannot grow it.
 */
import { LRUCache } from 'lru-cache';

const MAX_SOURCES = 1_000;
const TTL_MS = 24 * 60 * 60 * 1000;

export class KnownSources {
  readonly #sources = new LRUCache<string, true>({ max: MAX_SOURCES, ttl: TTL_MS });

  add(source: string): void {
    this.#sources.set(source, true);
  }

  has(source: string): boolean {
    return this.#sources.get(source) === true;
  }
}
