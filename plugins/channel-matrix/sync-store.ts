/**
 * What the channel keeps between runs, in `<plugin data dir>/sync.json` (0600, written
 * atomically with `core/atomic-file.ts` after each /sync batch is handled): the `since` token
 * (so a restart neither replays messages already handed to the channels service nor loses
 * those that arrived while it was down) and the room facts a later incremental /sync does not
 * repeat (which rooms are direct, how many members each has, where the encrypted-room note
 * was already sent). Keyed by the bot's user id: another account starts afresh.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../sdk/core/index.ts';

export interface SyncState {
  userId: string;
  since?: string;
  /** Room ids marked direct (m.direct account data, or joined from a direct invite). */
  direct: string[];
  /** Joined member count per room (from /sync summaries). */
  members: Record<string, number>;
  /** Rooms where the "encrypted messages cannot be read" note was sent. */
  encryptedNoticeSent: string[];
}

export interface SyncStore {
  readonly file: string;
  load(userId: string): Promise<SyncState>;
  save(state: SyncState): Promise<void>;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export function createSyncStore(dir: string): SyncStore {
  const file = join(dir, 'sync.json');
  return {
    file,
    async load(userId) {
      const fresh: SyncState = { userId, direct: [], members: {}, encryptedNoticeSent: [] };
      try {
        const data = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
        if (data['userId'] !== userId) return fresh;
        const members: Record<string, number> = {};
        const rawMembers = data['members'];
        if (rawMembers !== null && typeof rawMembers === 'object') {
          for (const [room, count] of Object.entries(rawMembers)) if (Number.isSafeInteger(count)) members[room] = count as number;
        }
        return {
          userId,
          ...(typeof data['since'] === 'string' && data['since'] !== '' ? { since: data['since'] } : {}),
          direct: strings(data['direct']),
          members,
          encryptedNoticeSent: strings(data['encryptedNoticeSent']),
        };
      } catch {
        // Missing or unreadable: a first sync (old history is skipped, see adapter).
        return fresh;
      }
    },
    save: (state) => writeJsonAtomic(file, state, { mkdir: true }),
  };
}
