/**
 * The `backup` service: what the CLI, the schedule and other plugins call. It resolves the
 * folder, retention and sources from the config once, and the archive argument of verify and
 * restore (a bare name means one in the backup folder).
 */
import { join, resolve } from 'node:path';
import type { BackupSource } from '../../sdk/core/index.ts';
import { listArchives, type BackupInfo } from './archive-dir.ts';
import type { CreateResult } from './create.ts';
import { BackupError } from './errors.ts';
import { isValidSourceName } from './manifest.ts';
import type { ArchiveLimits } from './limits.ts';
import type { RestoreResult } from './restore.ts';
import { pruneBackups, type Retention } from './retention.ts';
import type { SnapshotProgress } from './snapshot.ts';
import type { VerifyReport } from './verify.ts';
import { backupErrors } from './error-codes.ts';

// The archive code (and `tar`) loads on first use: the plugin is in the default preset, and
// most processes never touch a backup.
const createBackup: typeof import('./create.ts').createBackup = async (...args) => (await import('./create.ts')).createBackup(...args);
const restoreBackup: typeof import('./restore.ts').restoreBackup = async (...args) => (await import('./restore.ts')).restoreBackup(...args);
const restoreInPlace: typeof import('./restore.ts').restoreInPlace = async (...args) => (await import('./restore.ts')).restoreInPlace(...args);
const verifyBackup: typeof import('./verify.ts').verifyBackup = async (...args) => (await import('./verify.ts')).verifyBackup(...args);

export interface BackupServiceOptions {
  dir: string;
  retention: Retention;
  limits: ArchiveLimits;
  version: string;
  cwd: string;
  /** Folders a restore target must stay out of. */
  stateDir: string;
  /** The sources, asked each time (plugins add theirs through `backupSources`). */
  sources(): BackupSource[];
  now?: () => Date;
}

export type RestoreReport =
  | ({ mode: 'target' } & RestoreResult)
  | { mode: 'in-place'; safetyBackup: CreateResult; replaced: string[]; skipped: string[] };

export interface BackupService {
  readonly dir: string;
  sources(): BackupSource[];
  create(options?: { output?: string; onProgress?(progress: SnapshotProgress): void }): Promise<CreateResult>;
  list(): Promise<BackupInfo[]>;
  verify(archive: string): Promise<VerifyReport>;
  restore(archive: string, options: { to?: string; inPlace?: boolean }): Promise<RestoreReport>;
  prune(options?: { now?: number; dryRun?: boolean }): Promise<{ deleted: BackupInfo[]; kept: BackupInfo[] }>;
}

export function createBackupService(options: BackupServiceOptions): BackupService {
  const dir = resolve(options.cwd, options.dir);
  const locate = (archive: string) => (/[\\/]/.test(archive) ? resolve(options.cwd, archive) : join(dir, archive));
  const sources = () => checkSources(options.sources());
  const create = (createOptions: { output?: string; onProgress?(progress: SnapshotProgress): void } = {}) => createBackup({
    dir,
    sources: sources(),
    version: options.version,
    limits: options.limits,
    ...(createOptions.output !== undefined ? { output: resolve(options.cwd, createOptions.output) } : {}),
    ...(createOptions.onProgress ? { onProgress: createOptions.onProgress } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    dir,
    sources,
    create,
    list: () => listArchives(dir),
    verify: (archive) => verifyBackup(locate(archive), options.limits),
    async restore(archive, restoreOptions) {
      const file = locate(archive);
      if (restoreOptions.inPlace && restoreOptions.to !== undefined) {
        throw new BackupError(backupErrors.MOLT_ERR_BACKUP_TARGET, { message: 'choose either --to <dir> or --in-place, not both' });
      }
      if (restoreOptions.inPlace) {
        // Prove the archive first, so a bad one costs nothing, not even a safety backup.
        const report = await verifyBackup(file, options.limits);
        if (!report.ok) throw new BackupError(backupErrors.MOLT_ERR_BACKUP_INVALID, { message: `refusing to restore: ${report.problems.join('; ')}` });
        const safetyBackup = await create();
        const result = await restoreInPlace({ archive: file, sources: sources(), workDir: dir, limits: options.limits });
        return { mode: 'in-place', safetyBackup, ...result };
      }
      if (restoreOptions.to === undefined) {
        throw new BackupError(backupErrors.MOLT_ERR_BACKUP_TARGET, { message: 'restore needs a target folder (--to <dir>) or --in-place' });
      }
      const protectedPaths = [options.stateDir, ...sources().map((s) => s.path)];
      const result = await restoreBackup({ archive: file, target: resolve(options.cwd, restoreOptions.to), protectedPaths, limits: options.limits });
      return { mode: 'target', ...result };
    },
    prune: (pruneOptions = {}) => pruneBackups(dir, options.retention, pruneOptions),
  };
}

/**
 * Names must be unique. A plugin declaring a default source again (the session store names
 * `<stateDir>/state/agents` as `sessions` too) is the same source: it is kept once, credited
 * to that plugin. One name for two different paths is an error naming the plugin.
 */
function checkSources(sources: BackupSource[]): BackupSource[] {
  const byName = new Map<string, BackupSource>();
  for (const source of sources) {
    const earlier = byName.get(source.name);
    if (!isValidSourceName(source.name) || (earlier !== undefined && resolve(earlier.path) !== resolve(source.path))) {
      throw new BackupError(backupErrors.MOLT_ERR_BACKUP_SOURCE, {
        message: `backup source ${JSON.stringify(source.name)} from plugin "${source.plugin}" needs a unique kebab-case name`,
        plugin: source.plugin,
        hook: 'backupSources',
        fix: 'Give each source returned from backupSources a unique name such as "memory-index".',
      });
    }
    byName.set(source.name, earlier === undefined ? source : { ...earlier, plugin: source.plugin });
  }
  return [...byName.values()];
}
