/**
 * `backup restore`: extracts into a private staging folder next to the target, proves every
 * payload against the manifest, and only then renames the staging folder to the target. Any
 * problem removes the staging folder: the target never appears half-written and live state is
 * never touched. `--in-place` first takes a safety backup, then swaps each source the current
 * kernel knows (by name; paths stored in the archive are never trusted) with its restored copy.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { storageError } from '../../sdk/core/index.ts';
import { writeAllSync } from '../../sdk/core/index.ts';
import { cp, mkdir, readdir, realpath, rename, rm, rmdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { BackupSource } from '../../sdk/core/index.ts';
import { isInside } from './create.ts';
import { BackupError } from './errors.ts';
import { PAYLOAD_DIR, type Manifest } from './manifest.ts';
import { compareWithManifest, DEFAULT_LIMITS, readArchive, type ArchiveLimits } from './read-archive.ts';
import { backupErrors } from './error-codes.ts';

export interface RestoreOptions {
  archive: string;
  /** New or empty folder receiving one folder per source. */
  target: string;
  /** Folders the target must stay out of (the live state dir, the sources). */
  protectedPaths: readonly string[];
  limits?: ArchiveLimits;
}

export interface RestoreResult {
  target: string;
  manifest: Manifest;
  files: number;
}

export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const target = resolve(options.target);
  await checkTarget(target, options.protectedPaths);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true, mode: 0o700 });
  const staging = join(parent, `.moltbot-restore-${process.pid}-${randomBytes(6).toString('hex')}`);
  mkdirSync(staging, { mode: 0o700 });
  try {
    const contents = await readArchive(options.archive, options.limits ?? DEFAULT_LIMITS, {
      onDir: (path) => mkdirSync(join(staging, stripPayload(path)), { recursive: true, mode: 0o700 }),
      onFile: (path) => {
        const file = join(staging, stripPayload(path));
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        // wx: never through an existing name (the staging folder is ours and holds no links).
        const fd = openSync(file, 'wx', 0o600);
        // No fsync per file (it made a 2 000-file restore 5× slower); a crash mid-restore leaves
        // only the staging folder, never a half-written target.
        return {
          // Every byte or an error: a short write (full disk) must never leave a cut file that
          // the manifest check, which hashes the stream, would not see.
          write: (chunk) => {
            try {
              writeAllSync(fd, chunk, file);
            } catch (error) {
              throw storageError(error, file);
            }
          },
          end: () => closeSync(fd),
        };
      },
    });
    const problems = compareWithManifest(contents);
    if (problems.length > 0) throw new BackupError(backupErrors.MOLT_ERR_BACKUP_INVALID, { message: `archive does not match its manifest: ${problems.join('; ')}` });
    for (const file of contents.manifest.files) chmodSync(join(staging, stripPayload(file.path)), file.mode & 0o777);
    for (const dir of [...contents.manifest.dirs].reverse()) {
      if (contents.dirs.has(dir.path)) chmodSync(join(staging, stripPayload(dir.path)), (dir.mode & 0o777) | 0o700);
    }
    await rmdir(target).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'ENOENT') throw error; });
    await rename(staging, target);
    return { target, manifest: contents.manifest, files: contents.manifest.files.length };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

export interface InPlaceOptions {
  archive: string;
  /** The current kernel's sources: what gets replaced, by name. */
  sources: readonly BackupSource[];
  /** Scratch folder for the extraction (the backup dir). */
  workDir: string;
  limits?: ArchiveLimits;
}

/** Replaces each live source named in the archive; returns the names replaced and those skipped. */
export async function restoreInPlace(options: InPlaceOptions): Promise<{ replaced: string[]; skipped: string[] }> {
  const extracted = join(options.workDir, `.moltbot-staging-${process.pid}-${randomBytes(6).toString('hex')}`);
  try {
    const { manifest } = await restoreBackup({
      archive: options.archive, target: extracted, protectedPaths: [], ...(options.limits ? { limits: options.limits } : {}),
    });
    const replaced: string[] = [];
    const skipped: string[] = [];
    for (const entry of manifest.sources) {
      const live = options.sources.find((s) => s.name === entry.name);
      if (live === undefined) {
        skipped.push(entry.name);
        continue;
      }
      const restored = entry.kind === 'dir' ? join(extracted, entry.name) : join(extracted, entry.name, (await readdir(join(extracted, entry.name)))[0] ?? '');
      const tag = randomBytes(6).toString('hex');
      const incoming = `${live.path}.restoring-${tag}`;
      const outgoing = `${live.path}.replaced-${tag}`;
      await mkdir(dirname(live.path), { recursive: true, mode: 0o700 });
      await cp(restored, incoming, { recursive: true, preserveTimestamps: true, errorOnExist: true, force: false });
      const hadLive = await stat(live.path).then(() => true, () => false);
      if (hadLive) await rename(live.path, outgoing);
      await rename(incoming, live.path);
      if (hadLive) await rm(outgoing, { recursive: true, force: true });
      replaced.push(entry.name);
    }
    return { replaced, skipped };
  } finally {
    await rm(extracted, { recursive: true, force: true });
  }
}

function stripPayload(path: string): string {
  return path.slice(PAYLOAD_DIR.length + 1);
}

async function checkTarget(target: string, protectedPaths: readonly string[]): Promise<void> {
  const refuse = (message: string) => new BackupError(backupErrors.MOLT_ERR_BACKUP_TARGET, { message });
  const real = await realpath(target).catch(() => undefined);
  if (real !== undefined) {
    const stats = await stat(real);
    if (!stats.isDirectory()) throw refuse(`${target} exists and is not a folder`);
    if ((await readdir(real)).length > 0) throw refuse(`${target} is not empty`);
  }
  const resolvedTarget = real ?? join(await realpath(dirname(target)).catch(() => dirname(target)), basename(target));
  for (const path of protectedPaths) {
    const root = await realpath(path).catch(() => resolve(path));
    if (isInside(resolvedTarget, root) || isInside(root, resolvedTarget)) {
      throw refuse(`${target} overlaps live state (${root}); restore next to it, then move what you need`);
    }
  }
}
