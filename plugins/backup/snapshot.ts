/**
 * Copies the sources into a private staging folder, hashing as it copies. A file written in
 * place while being copied (appended, rewritten) is copied again; one replaced by rename is
 * read whole from the inode opened first. The archive holds each file as it was at one
 * instant, never a torn mix.
 */
import { createHash } from 'node:crypto';
import type { Stats } from 'node:fs';
import { lstat, mkdir, open, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { BackupSource } from '../../sdk/core/index.ts';
import { writeAll } from '../../sdk/core/index.ts';
import { BackupError } from './errors.ts';
import { PAYLOAD_DIR, type Manifest, type ManifestFile, type ManifestSource } from './manifest.ts';
import { backupErrors } from './error-codes.ts';

export interface SnapshotProgress {
  files: number;
  /** Files to copy in all (known once the sources were listed). */
  total: number;
  bytes: number;
}

export interface SnapshotOptions {
  /** Copies tried per file before giving up on one that keeps changing (default 5). */
  attempts?: number;
  onProgress?(progress: SnapshotProgress): void;
}

type Contents = Pick<Manifest, 'sources' | 'dirs' | 'files' | 'skipped'>;

const CHUNK = 1024 * 1024;
const COPY_CONCURRENCY = 8;

export async function snapshotSources(sources: readonly BackupSource[], staging: string, options: SnapshotOptions = {}): Promise<Contents> {
  const contents: Contents = { sources: [], dirs: [], files: [], skipped: [] };
  const progress: SnapshotProgress = { files: 0, total: 0, bytes: 0 };
  await mkdir(join(staging, PAYLOAD_DIR), { mode: 0o700 });

  // The walk only lists; copies run a few at a time (each waits on the disk, not the CPU).
  const jobs: { from: string; archivePath: string; stats: Stats }[] = [];
  const copyFile = async (from: string, archivePath: string, stats: Stats) => {
    jobs.push({ from, archivePath, stats });
  };
  const walk = async (dir: string, archiveDir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const from = join(dir, name);
      const archivePath = `${archiveDir}/${name}`;
      const stats = await lstatOrUndefined(from);
      if (stats === undefined) continue;
      if (stats.isDirectory()) {
        await mkdir(join(staging, archivePath), { mode: 0o700 });
        contents.dirs.push({ path: archivePath, mode: stats.mode & 0o777 });
        await walk(from, archivePath);
      } else if (stats.isFile()) {
        await copyFile(from, archivePath, stats);
      } else {
        contents.skipped.push({ path: archivePath, reason: stats.isSymbolicLink() ? 'symbolic link (never archived)' : 'not a regular file' });
      }
    }
  };

  for (const source of sources) {
    const stats = await lstatOrUndefined(source.path);
    if (stats === undefined) continue;
    const root = `${PAYLOAD_DIR}/${source.name}`;
    const kind: ManifestSource['kind'] = stats.isDirectory() ? 'dir' : 'file';
    if (!stats.isDirectory() && !stats.isFile()) {
      contents.skipped.push({ path: root, reason: 'source is not a regular file or folder' });
      continue;
    }
    contents.sources.push({ name: source.name, plugin: source.plugin, kind, path: source.path });
    await mkdir(join(staging, root), { mode: 0o700 });
    if (kind === 'dir') {
      contents.dirs.push({ path: root, mode: stats.mode & 0o777 });
      await walk(source.path, root);
    } else {
      await copyFile(source.path, `${root}/${basename(source.path)}`, stats);
    }
  }
  const attempts = options.attempts ?? 5;
  let failed = false;
  progress.total = jobs.length;
  const worker = async () => {
    const buffer = Buffer.allocUnsafe(CHUNK);
    for (let job; !failed && (job = jobs.shift()) !== undefined;) {
      const file = await copyStable(job.from, join(staging, job.archivePath), job.stats, buffer, attempts).catch((error: unknown) => {
        failed = true;
        throw error;
      });
      contents.files.push({ ...file, path: job.archivePath });
      progress.files++;
      progress.bytes += file.size;
      options.onProgress?.(progress);
    }
  };
  await Promise.all(Array.from({ length: COPY_CONCURRENCY }, worker));
  contents.files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return contents;
}

async function copyStable(from: string, to: string, first: Stats, buffer: Buffer, attempts: number): Promise<Omit<ManifestFile, 'path'>> {
  // Reading through one open descriptor follows the inode: a writer that replaces the file by
  // rename (the atomic way) never disturbs the copy. Only in-place writes change what we read,
  // and those show in the descriptor's own size/mtime/ctime, so that copy is tried again.
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const hash = createHash('sha256');
    let size = 0;
    const input = await open(from, 'r');
    const output = await open(to, 'w', 0o600);
    let before: Stats;
    let after: Stats;
    try {
      before = await input.stat();
      // Never read past the size seen at open: a chase after an appender would never end.
      for (let read; size < before.size && (read = (await input.read(buffer, 0, Math.min(CHUNK, before.size - size), null)).bytesRead) > 0;) {
        hash.update(buffer.subarray(0, read));
        // Every byte or an error: the manifest hash is taken from what was read, so a short
        // write (full disk) would otherwise put a cut file in the archive under a good hash.
        await writeAll(output, buffer.subarray(0, read), to);
        size += read;
      }
      // No fsync here: staging copies are scratch; the finished archive is what gets synced.
      after = await input.stat();
    } finally {
      await input.close();
      await output.close();
    }
    if (size === before.size && same(before, after)) {
      return { size, mode: (attempt === 1 ? first : before).mode & 0o777, sha256: hash.digest('hex') };
    }
  }
  throw new BackupError(backupErrors.MOLT_ERR_BACKUP_SOURCE, {
    message: `${from} kept changing while it was copied (${attempts} attempts)`,
    fix: 'Retry when the writer is idle, or stop the gateway during the backup.',
  });
}

function same(a: Stats, b: Stats): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ctimeMs === b.ctimeMs;
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
