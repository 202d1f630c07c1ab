/**
 * The backup folder: archive names, the listing, and the sweep of temp files a killed create
 * left behind. Archives are named by their UTC creation time (to the millisecond), so the
 * listing sorts by name and two creates never pick the same name in practice.
 */
import { chmod, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const ARCHIVE_PATTERN = /^moltbot-backup-(\d{8}T\d{9}Z)\.tar\.gz$/;
export const TEMP_PREFIX = '.moltbot-backup-';
export const STAGING_PREFIX = '.moltbot-staging-';

export interface BackupInfo {
  name: string;
  path: string;
  size: number;
  created: Date;
}

export function archiveName(at: Date): string {
  const iso = at.toISOString(); // 2026-11-23T21:36:44.123Z
  return `moltbot-backup-${iso.slice(0, 10).replaceAll('-', '')}T${iso.slice(11, 23).replaceAll(':', '').replace('.', '')}Z.tar.gz`;
}

export function createdFromName(name: string): Date | undefined {
  const stamp = ARCHIVE_PATTERN.exec(name)?.[1];
  if (stamp === undefined) return undefined;
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}.${stamp.slice(15, 18)}Z`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Creates the folder if needed and makes it private (0700) whatever the umask. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/** Archives in `dir`, newest first; a missing folder lists as empty. */
export async function listArchives(dir: string): Promise<BackupInfo[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const infos: BackupInfo[] = [];
  for (const name of names) {
    const created = createdFromName(name);
    if (created === undefined) continue;
    const path = join(dir, name);
    const stats = await stat(path).catch(() => undefined);
    if (stats?.isFile()) infos.push({ name, path, size: stats.size, created });
  }
  return infos.sort((a, b) => b.created.getTime() - a.created.getTime() || b.name.localeCompare(a.name));
}

/** Temp files and staging folders whose creating process is gone; returns what was removed. */
export async function sweepStale(dir: string): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const prefix = name.startsWith(TEMP_PREFIX) ? TEMP_PREFIX : name.startsWith(STAGING_PREFIX) ? STAGING_PREFIX : undefined;
    if (prefix === undefined || ARCHIVE_PATTERN.test(name)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) continue;
    await rm(join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
