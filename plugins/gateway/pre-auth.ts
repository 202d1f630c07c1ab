/**
 * Slots for unauthenticated WebSocket connections (from the upgrade to a successful
 * `connect`), counted apart from authenticated ones: `gateway.maxConnections` bounds
 * authenticated clients only, so no number of pre-auth sockets can take their place.
 *
 * Pre-auth sockets are capped gateway-wide and per source (client-address.ts: loopback is one
 * source, IPv6 a /64). When a cap is reached the newcomer is let in and the oldest *idle*
 * pre-auth socket goes instead — one that never sent `connect` (a client whose `connect` is
 * being checked is never evicted). For the per-source cap that is the source's own oldest; for
 * the total cap it is the oldest of the source holding the most slots. A flood of idle sockets
 * therefore cannot keep anyone out: a real client sends `connect` right after the upgrade and
 * only has to outlive the flood's next `cap` sockets, while the flood keeps evicting itself.
 */
import type { Connection } from './connection.ts';

export interface PreAuthLimits {
  total: number;
  perSource: number;
}

export type Admission = { ok: true; evicted?: Connection } | { ok: false };

export class PreAuthSlots {
  /** Insertion order is age order: the first is the oldest. */
  readonly #sockets = new Set<Connection>();
  readonly #perSource = new Map<string, number>();
  /** Idle pre-auth sockets closed to make room, since start. */
  evictions = 0;

  get total(): number {
    return this.#sockets.size;
  }

  count(source: string): number {
    return this.#perSource.get(source) ?? 0;
  }

  /**
   * Makes room for one more socket from `source`, evicting the socket it returns (its slot is
   * already released; the caller closes it). Refused only when every slot in the way belongs
   * to a client whose `connect` is being checked.
   */
  admit(source: string, limits: PreAuthLimits): Admission {
    if (this.count(source) >= limits.perSource) {
      const victim = this.#oldestIdle(source);
      if (victim === undefined) return { ok: false };
      this.release(victim);
      this.evictions++;
      return { ok: true, evicted: victim };
    }
    if (this.total >= limits.total) {
      const victim = this.#oldestIdleOfLargest();
      if (victim === undefined) return { ok: false };
      this.release(victim);
      this.evictions++;
      return { ok: true, evicted: victim };
    }
    return { ok: true };
  }

  add(connection: Connection): void {
    if (this.#sockets.has(connection)) return;
    this.#sockets.add(connection);
    this.#perSource.set(connection.source, this.count(connection.source) + 1);
  }

  /** Idempotent: called when the connection opens, closes or is evicted. */
  release(connection: Connection): void {
    if (!this.#sockets.delete(connection)) return;
    const left = this.count(connection.source) - 1;
    if (left <= 0) this.#perSource.delete(connection.source);
    else this.#perSource.set(connection.source, left);
  }

  #oldestIdle(source: string): Connection | undefined {
    for (const connection of this.#sockets) {
      if (connection.source === source && connection.state === 'handshake') return connection;
    }
    return undefined;
  }

  /** Sources from the largest down, so a source whose slots are all busy checking does not stop the search. */
  #oldestIdleOfLargest(): Connection | undefined {
    const sources = [...this.#perSource.entries()].sort((a, b) => b[1] - a[1]);
    for (const [source] of sources) {
      const victim = this.#oldestIdle(source);
      if (victim !== undefined) return victim;
    }
    return undefined;
  }
}
