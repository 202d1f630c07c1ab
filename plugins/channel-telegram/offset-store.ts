/**
 * The getUpdates offset, persisted after each handled update so a restart neither replays
 * updates already handed to the channels service nor skips unhandled ones. Telegram confirms
 * an update only when the next getUpdates names a higher offset; a crash between handling and
 * that call would otherwise replay the last batch. Keyed by bot id: a new token starts afresh.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../sdk/core/index.ts';

export interface OffsetStore {
  load(botId: number): Promise<number>;
  save(botId: number, offset: number): Promise<void>;
  readonly file: string;
}

export function createOffsetStore(dir: string): OffsetStore {
  const file = join(dir, 'offset.json');
  return {
    file,
    async load(botId) {
      try {
        const data = JSON.parse(await readFile(file, 'utf8')) as { botId?: unknown; offset?: unknown };
        return data.botId === botId && Number.isSafeInteger(data.offset) && (data.offset as number) > 0 ? (data.offset as number) : 0;
      } catch {
        // Missing or unreadable: start from what Telegram still holds.
        return 0;
      }
    },
    save: (botId, offset) => writeJsonAtomic(file, { botId, offset }, { mkdir: true }),
  };
}
