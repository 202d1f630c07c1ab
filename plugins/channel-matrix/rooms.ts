/**
 * What the channel knows about its rooms, from /sync: which are direct chats and who is called
 * what. A room is a DM when it is marked direct (`m.direct` account data, or it was joined from
 * an invite with `is_direct`) or when it has exactly two joined members (the bot and one
 * person); every other room is a group, where mention gating applies.
 *
 * Direct marks and member counts are persisted with the `since` token (see sync-store.ts): an
 * incremental /sync only repeats what changed. Display names are kept in memory only (a
 * sender without a known one is shown by user id).
 */
import type { MatrixEvent, SyncResponse } from './client.ts';
import type { SyncState } from './sync-store.ts';

const NAMES_MAX = 5000;

export class RoomBook {
  readonly #direct: Set<string>;
  readonly #members: Map<string, number>;
  readonly #names = new Map<string, string>();

  constructor(state: SyncState) {
    this.#direct = new Set(state.direct);
    this.#members = new Map(Object.entries(state.members));
  }

  isDm(roomId: string): boolean {
    return this.#direct.has(roomId) || this.#members.get(roomId) === 2;
  }

  markDirect(roomId: string): void {
    this.#direct.add(roomId);
  }

  name(userId: string): string | undefined {
    return this.#names.get(userId);
  }

  /** Applies a /sync batch's account data, summaries and member events (before its messages). */
  apply(sync: SyncResponse): void {
    for (const event of sync.account_data?.events ?? []) {
      if (event.type !== 'm.direct' || event.content === undefined) continue;
      // m.direct is the whole map each time: { userId: [roomId, ...] }.
      const marked = new Set<string>();
      for (const rooms of Object.values(event.content)) if (Array.isArray(rooms)) for (const room of rooms) if (typeof room === 'string') marked.add(room);
      for (const room of marked) this.#direct.add(room);
    }
    for (const [roomId, room] of Object.entries(sync.rooms?.join ?? {})) {
      const count = room.summary?.['m.joined_member_count'];
      if (typeof count === 'number') this.#members.set(roomId, count);
      for (const event of [...(room.state?.events ?? []), ...(room.timeline?.events ?? [])]) this.#member(event);
    }
    for (const roomId of Object.keys(sync.rooms?.leave ?? {})) {
      this.#members.delete(roomId);
      this.#direct.delete(roomId);
    }
  }

  #member(event: MatrixEvent): void {
    if (event.type !== 'm.room.member' || typeof event.state_key !== 'string') return;
    const name = event.content?.['displayname'];
    if (event.content?.['membership'] === 'join' && typeof name === 'string' && name.trim() !== '') {
      this.#names.delete(event.state_key);
      this.#names.set(event.state_key, name);
      if (this.#names.size > NAMES_MAX) this.#names.delete(this.#names.keys().next().value as string);
    }
  }

  /** The facts to persist with the next `since`. */
  snapshot(): Pick<SyncState, 'direct' | 'members'> {
    return { direct: [...this.#direct], members: Object.fromEntries(this.#members) };
  }
}
