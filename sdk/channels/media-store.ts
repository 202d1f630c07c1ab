/**
 * Where inbound media lives: `<stateDir>/media/<session folder>/<time>-<random>.<ext>`, one
 * folder per session (dir 0700, files 0600: they are people's photos and documents), written
 * atomically (temp + fsync + rename). `pruneMedia` deletes files older than the retention and
 * the folders it empties; the `channels` plugin runs it and lists `media/` as a backup source.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, rmdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/index.ts';

export const MEDIA_DIR = 'media';

/** A readable, collision-free folder name for a session key (`agent:main:telegram:dm:42`). */
export function sessionMediaFolder(sessionKey: string): string {
  const readable = sessionKey.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80);
  return `${readable}-${createHash('sha256').update(sessionKey).digest('hex').slice(0, 10)}`;
}

/** The session's media folder, relative to the state directory (`/`-separated, as MediaRef.file). */
export function mediaDir(sessionKey: string): string {
  return `${MEDIA_DIR}/${sessionMediaFolder(sessionKey)}`;
}

/** Stores bytes durably; returns the file relative to the state directory. */
export async function storeMedia(stateDir: string, sessionKey: string, bytes: Uint8Array, ext: string): Promise<string> {
  const safeExt = /^[a-z0-9]{1,8}$/i.test(ext) ? ext.toLowerCase() : 'bin';
  const file = `${mediaDir(sessionKey)}/${Date.now()}-${randomBytes(6).toString('hex')}.${safeExt}`;
  await writeFileAtomic(join(stateDir, file), bytes, { mode: 0o600, mkdir: true });
  return file;
}

/** Deletes stored media older than `maxAgeMs` (by modification time); returns how many files went. */
export async function pruneMedia(stateDir: string, maxAgeMs: number, now = Date.now()): Promise<number> {
  const root = join(stateDir, MEDIA_DIR);
  let folders: string[];
  try {
    folders = await readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let removed = 0;
  for (const folder of folders) {
    const dir = join(root, folder);
    let files: string[];
    try {
      files = await readdir(dir);
    } catch {
      continue;
    }
    let left = files.length;
    for (const name of files) {
      const file = join(dir, name);
      const info = await stat(file).catch(() => undefined);
      if (info === undefined || !info.isFile() || now - info.mtimeMs <= maxAgeMs) continue;
      await unlink(file).catch(() => undefined);
      removed++;
      left--;
    }
    if (left === 0) await rmdir(dir).catch(() => undefined);
  }
  return removed;
}
