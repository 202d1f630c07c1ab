/**
 * `backup create`: snapshot the sources into a private staging folder, write the archive under
 * a temp name, read it back against its manifest, then link it to its final name (link fails
 * if the name exists: never overwrite) — a create killed at any point leaves no archive under
 * a final name, only temps that the next create sweeps.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdtemp, open, realpath, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BackupSource } from '../../sdk/core/index.ts';
import { archiveName, ensurePrivateDir, STAGING_PREFIX, sweepStale, TEMP_PREFIX, type BackupInfo } from './archive-dir.ts';
import { BackupError } from './errors.ts';
import { MANIFEST_FORMAT, MANIFEST_NAME, MANIFEST_VERSION, PAYLOAD_DIR, type Manifest } from './manifest.ts';
import { compareWithManifest, DEFAULT_LIMITS, readArchive, type ArchiveLimits } from './read-archive.ts';
import { snapshotSources, type SnapshotProgress } from './snapshot.ts';
import { backupErrors } from './error-codes.ts';

export interface CreateOptions {
  /** The backup folder (made 0700). */
  dir: string;
  sources: readonly BackupSource[];
  /** Moltbot version recorded in the manifest. */
  version: string;
  /** Archive path; default `<dir>/moltbot-backup-<UTC time>.tar.gz`. */
  output?: string;
  now?: () => Date;
  limits?: ArchiveLimits;
  onProgress?(progress: SnapshotProgress): void;
}

export interface CreateResult extends BackupInfo {
  files: number;
  bytes: number;
  skipped: Manifest['skipped'];
}

export async function createBackup(options: CreateOptions): Promise<CreateResult> {
  const now = (options.now ?? (() => new Date()))();
  const dir = resolve(options.dir);
  await ensurePrivateDir(dir);
  const output = resolve(dir, options.output ?? archiveName(now));
  await refuseSelfInclusion(await realpath(dir), options.sources, output);
  await sweepStale(dir);
  if (await exists(output)) throw new BackupError(backupErrors.MOLT_ERR_BACKUP_EXISTS, { message: `${output} already exists` });

  const tag = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const staging = await mkdtemp(join(dir, `${STAGING_PREFIX}${tag}-`));
  const temp = join(dir, `${TEMP_PREFIX}${tag}.tmp`);
  try {
    const contents = await snapshotSources(options.sources, staging, options.onProgress ? { onProgress: options.onProgress } : {});
    const manifest: Manifest = {
      format: MANIFEST_FORMAT, version: MANIFEST_VERSION, moltbot: options.version, created: now.toISOString(), ...contents,
    };
    await writeFile(join(staging, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
    // Loaded on first use: tar is ≈ 100 KB of code a gateway start would otherwise compile and run.
    const { create: tarCreate } = await import('tar');
    await pipeline(
      tarCreate({ gzip: true, cwd: staging, portable: true }, [MANIFEST_NAME, PAYLOAD_DIR]),
      createWriteStream(temp, { flags: 'wx', mode: 0o600 }),
    );
    await syncFile(temp);
    const problems = compareWithManifest(await readArchive(temp, options.limits ?? DEFAULT_LIMITS));
    if (problems.length > 0) throw new BackupError(backupErrors.MOLT_ERR_BACKUP_INVALID, { message: `the new archive failed its own check: ${problems.join('; ')}` });
    try {
      await link(temp, output);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupError(backupErrors.MOLT_ERR_BACKUP_EXISTS, { message: `${output} already exists` });
      throw error;
    }
    await syncFile(dir);
    const bytes = contents.files.reduce((sum, file) => sum + file.size, 0);
    const { size } = await stat(output);
    return { name: relative(dir, output), path: output, size, created: now, files: contents.files.length, bytes, skipped: contents.skipped };
  } finally {
    await rm(staging, { recursive: true, force: true });
    await unlink(temp).catch(() => undefined);
  }
}

/** A backup folder inside a source would archive itself (and grow every time). */
async function refuseSelfInclusion(dir: string, sources: readonly BackupSource[], output: string): Promise<void> {
  for (const source of sources) {
    const root = await realpath(source.path).catch(() => undefined);
    if (root === undefined) continue;
    for (const [what, path] of [['backup.dir', dir], ['the output', output]] as const) {
      if (isInside(path, root)) {
        throw new BackupError(backupErrors.MOLT_ERR_BACKUP_SOURCE, {
          message: `${what} ${path} is inside the backup source "${source.name}" (${root})`,
          fix: 'Set backup.dir (or --output) to a folder outside the workspace, sessions and config folders.',
        });
      }
    }
  }
}

export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
