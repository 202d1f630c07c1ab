/**
 * Files sent to webchat clients (`sendMedia`): kept under `<stateDir>/media/webchat/` so the
 * control UI can fetch them through the gateway (`GET /channels/webchat/media?id=`). Each file
 * is `<id>` (the bytes) and `<id>.json` (name, sniffed type, size), both written atomically
 * with mode 0600; ids are 128 random bits, so one id names one file and cannot be guessed.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../sdk/core/index.ts';
import type { OutboundAttachment } from '../../sdk/channels/index.ts';

export const MEDIA_ROUTE = '/channels/webchat/media';
const ID = /^[0-9a-f]{32}$/;

export interface StoredMedia {
  id: string;
  name: string;
  mimeType: string;
  kind: 'image' | 'file';
  size: number;
  /** Gateway path the UI fetches it from (with its credential). */
  url: string;
}

export function mediaDir(stateDir: string): string {
  return join(stateDir, 'media', 'webchat');
}

export class WebchatMediaStore {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async put(file: OutboundAttachment): Promise<StoredMedia> {
    const id = randomBytes(16).toString('hex');
    const meta: StoredMedia = { id, name: file.name, mimeType: file.mimeType, kind: file.kind, size: file.size, url: `${MEDIA_ROUTE}?id=${id}` };
    // Bytes first: metadata that exists always points at a complete file.
    await writeFileAtomic(join(this.#dir, id), file.data, { mode: 0o600, mkdir: true });
    await writeFileAtomic(join(this.#dir, `${id}.json`), `${JSON.stringify(meta)}\n`, { mode: 0o600 });
    return meta;
  }

  /** The file and its metadata, or undefined for an unknown or malformed id. */
  async get(id: string): Promise<{ meta: StoredMedia; data: Buffer } | undefined> {
    if (!ID.test(id)) return undefined;
    try {
      const meta = JSON.parse(await readFile(join(this.#dir, `${id}.json`), 'utf8')) as StoredMedia;
      return { meta, data: await readFile(join(this.#dir, id)) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}
