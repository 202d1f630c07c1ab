/**
 * `backup prune`: deletes archives older than `retention.days`, always keeping the newest
 * `retention.count` whatever their age (so a long-stopped gateway does not lose its last copies).
 */
import { unlink } from 'node:fs/promises';
import { listArchives, type BackupInfo } from './archive-dir.ts';

export interface Retention {
  days: number;
  count?: number;
}

export const DEFAULT_RETENTION: Readonly<Retention> = Object.freeze({ days: 30 });

const DAY_MS = 24 * 60 * 60 * 1000;

/** Which archives a prune would delete (newest-first listing in, same order out). */
export function selectExpired(archives: readonly BackupInfo[], retention: Retention, now: number): BackupInfo[] {
  const keepNewest = retention.count ?? 0;
  const cutoff = now - retention.days * DAY_MS;
  return archives.filter((archive, index) => index >= keepNewest && archive.created.getTime() < cutoff);
}

export async function pruneBackups(dir: string, retention: Retention, options: { now?: number; dryRun?: boolean } = {}): Promise<{ deleted: BackupInfo[]; kept: BackupInfo[] }> {
  const archives = await listArchives(dir);
  const expired = selectExpired(archives, retention, options.now ?? Date.now());
  if (!options.dryRun) for (const archive of expired) await unlink(archive.path).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'ENOENT') throw error; });
  const gone = new Set(expired);
  return { deleted: expired, kept: archives.filter((a) => !gone.has(a)) };
}
