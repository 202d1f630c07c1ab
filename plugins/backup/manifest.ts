/**
 * The archive's table of contents: `manifest.json` at the root of every backup, with a sha256
 * per payload file, so `verify` and `restore` can prove an archive whole before trusting it.
 */
import { BackupError } from './errors.ts';
import { backupErrors } from './error-codes.ts';

export const MANIFEST_NAME = 'manifest.json';
export const PAYLOAD_DIR = 'payload';
export const MANIFEST_FORMAT = 'moltbot-backup';
export const MANIFEST_VERSION = 1;

export interface ManifestSource {
  /** Folder under `payload/` holding this source. */
  name: string;
  plugin: string;
  kind: 'file' | 'dir';
  /** Where the source lived when the backup was made (informational: restore never trusts it). */
  path: string;
}

export interface ManifestFile {
  /** Archive path, `payload/<source>/…`. */
  path: string;
  size: number;
  mode: number;
  sha256: string;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  moltbot: string;
  created: string;
  sources: ManifestSource[];
  dirs: { path: string; mode: number }[];
  files: ManifestFile[];
  /** Entries left out on purpose (symlinks, sockets…), with why. */
  skipped: { path: string; reason: string }[];
}

const SHA256 = /^[0-9a-f]{64}$/;
const SOURCE_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** Parses and shape-checks manifest JSON; anything unexpected is an invalid archive. */
export function parseManifest(text: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid('manifest.json is not valid JSON');
  }
  const m = value as Partial<Manifest> | null;
  if (typeof m !== 'object' || m === null || m.format !== MANIFEST_FORMAT) throw invalid('manifest.json is not a Moltbot backup manifest');
  if (m.version !== MANIFEST_VERSION) throw invalid(`manifest version ${JSON.stringify(m.version)} is not supported (expected ${MANIFEST_VERSION})`);
  if (typeof m.created !== 'string' || Number.isNaN(Date.parse(m.created))) throw invalid('manifest "created" is not a date');
  if (!Array.isArray(m.sources) || !Array.isArray(m.files) || !Array.isArray(m.dirs) || !Array.isArray(m.skipped)) {
    throw invalid('manifest lacks sources, dirs, files or skipped');
  }
  for (const source of m.sources) {
    if (typeof source?.name !== 'string' || !SOURCE_NAME.test(source.name) || (source.kind !== 'file' && source.kind !== 'dir')) {
      throw invalid('manifest has a malformed source');
    }
  }
  for (const file of m.files) {
    if (typeof file?.path !== 'string' || !Number.isSafeInteger(file.size) || file.size < 0 ||
      !Number.isInteger(file.mode) || typeof file.sha256 !== 'string' || !SHA256.test(file.sha256)) {
      throw invalid('manifest has a malformed file entry');
    }
  }
  for (const dir of m.dirs) {
    if (typeof dir?.path !== 'string' || !Number.isInteger(dir.mode)) throw invalid('manifest has a malformed directory entry');
  }
  return m as Manifest;
}

export function isValidSourceName(name: string): boolean {
  return SOURCE_NAME.test(name);
}

function invalid(message: string): BackupError {
  return new BackupError(backupErrors.MOLT_ERR_BACKUP_INVALID, { message });
}
