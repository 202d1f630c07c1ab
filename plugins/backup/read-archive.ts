/**
 * Reads a backup archive without trusting it: gunzip with a byte counter (decompression-bomb
 * caps on total size and ratio), then tar entries checked one by one — only plain files and
 * folders, relative paths without `..`, under `payload/` or the root `manifest.json`, each path
 * once. The first problem aborts the read; callers get every payload's sha256 to compare with
 * the manifest.
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { ReadEntry } from 'tar';
import { isMoltbotError, type MoltbotError } from '../../sdk/core/index.ts';
import { BackupError } from './errors.ts';
import { DEFAULT_LIMITS, type ArchiveLimits } from './limits.ts';
import { MANIFEST_NAME, PAYLOAD_DIR, parseManifest, type Manifest } from './manifest.ts';

export { DEFAULT_LIMITS, type ArchiveLimits } from './limits.ts';
import { backupErrors } from './error-codes.ts';

const MAX_MANIFEST_BYTES = 64 * 1024 ** 2;

/** Receives one payload file's bytes (restore writes them; verify only hashes). */
export interface FileSink {
  write(chunk: Buffer): void;
  end(): void;
}

export interface ReadHandlers {
  onFile?(path: string, mode: number): FileSink;
  onDir?(path: string, mode: number): void;
}

export interface ArchiveContents {
  manifest: Manifest;
  files: Map<string, { size: number; sha256: string }>;
  dirs: Set<string>;
  compressedBytes: number;
  expandedBytes: number;
}

export async function readArchive(file: string, limits: ArchiveLimits = DEFAULT_LIMITS, handlers: ReadHandlers = {}): Promise<ArchiveContents> {
  // Loaded on first use: tar is ≈ 100 KB of code a gateway start would otherwise compile and run.
  const { Parser } = await import('tar');
  const compressedBytes = statSync(file).size;
  const files = new Map<string, { size: number; sha256: string }>();
  const dirs = new Set<string>();
  const seen = new Set<string>();
  let manifestText: string | undefined;
  let expandedBytes = 0;
  let entries = 0;
  let failure: BackupError | MoltbotError | undefined;

  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      expandedBytes += chunk.length;
      if (expandedBytes > limits.maxBytes) return done(invalid(`archive expands beyond ${limits.maxBytes} bytes (decompression bomb?)`));
      if (expandedBytes > limits.ratioFloorBytes && expandedBytes / Math.max(compressedBytes, 1) > limits.maxRatio) {
        return done(invalid(`archive expands more than ${limits.maxRatio}× its size (decompression bomb?)`));
      }
      done(null, chunk);
    },
  });

  const parser = new Parser({ strict: true });
  const fail = (error: BackupError | MoltbotError) => {
    failure ??= error;
    parser.abort(error);
  };
  parser.on('entry', (entry: ReadEntry) => {
    if (failure) return entry.resume();
    try {
      if (++entries > limits.maxEntries) throw invalid(`archive has more than ${limits.maxEntries} entries`);
      const path = checkEntryPath(entry.path, entry.type === 'Directory');
      if (seen.has(path)) throw invalid(`duplicate entry ${JSON.stringify(path)}`);
      seen.add(path);
      const mode = (entry.mode ?? 0o600) & 0o777;
      if (entry.type === 'Directory') {
        if (path === MANIFEST_NAME) throw invalid('manifest.json is a folder');
        dirs.add(path);
        handlers.onDir?.(path, mode);
        return entry.resume();
      }
      if (entry.type !== 'File' && entry.type !== 'OldFile') throw invalid(`entry ${JSON.stringify(path)} is a ${entry.type}, not a plain file`);
      if (path === MANIFEST_NAME) return readManifestEntry(entry);
      const hash = createHash('sha256');
      const sink = handlers.onFile?.(path, mode);
      let size = 0;
      entry.on('data', (chunk: Buffer) => {
        if (failure) return;
        size += chunk.length;
        hash.update(chunk);
        try {
          sink?.write(chunk);
        } catch (error) {
          // A full disk keeps its own code (MOLT_ERR_STORE_NO_SPACE): the archive is fine.
          fail(isMoltbotError(error) ? error : invalid(`cannot write ${path}: ${(error as Error).message}`));
        }
      });
      entry.on('end', () => {
        sink?.end();
        files.set(path, { size, sha256: hash.digest('hex') });
      });
    } catch (error) {
      entry.resume();
      fail(error instanceof BackupError ? error : invalid((error as Error).message));
    }
  });

  function readManifestEntry(entry: ReadEntry): void {
    if (entry.size > MAX_MANIFEST_BYTES) throw invalid('manifest.json is too large');
    const chunks: Buffer[] = [];
    entry.on('data', (chunk: Buffer) => chunks.push(chunk));
    entry.on('end', () => { manifestText = Buffer.concat(chunks).toString('utf8'); });
  }

  try {
    await new Promise<void>((resolve, reject) => {
      const source = createReadStream(file);
      const gunzip = createGunzip();
      const stop = (error: Error) => {
        source.destroy();
        reject(error);
      };
      for (const stream of [source, gunzip, counter]) stream.on('error', stop);
      parser.on('error', stop);
      parser.on('abort', stop);
      parser.on('end', () => resolve());
      source.pipe(gunzip).pipe(counter).pipe(parser as unknown as NodeJS.WritableStream);
    });
  } catch (error) {
    if (failure) throw failure;
    if (error instanceof BackupError) throw error;
    throw invalid(`archive is damaged: ${(error as Error).message}`);
  }
  if (failure) throw failure;
  if (manifestText === undefined) throw invalid('archive has no manifest.json');
  return { manifest: parseManifest(manifestText), files, dirs, compressedBytes, expandedBytes };
}

/** Every difference between what the manifest promises and what the archive holds. */
export function compareWithManifest(contents: ArchiveContents): string[] {
  const problems: string[] = [];
  const listed = new Set<string>();
  for (const expected of contents.manifest.files) {
    listed.add(expected.path);
    const actual = contents.files.get(expected.path);
    if (actual === undefined) problems.push(`missing file ${expected.path}`);
    else if (actual.size !== expected.size) problems.push(`size mismatch for ${expected.path} (${actual.size} bytes, manifest says ${expected.size})`);
    else if (actual.sha256 !== expected.sha256) problems.push(`checksum mismatch for ${expected.path}`);
  }
  for (const path of contents.files.keys()) if (!listed.has(path)) problems.push(`file not in the manifest: ${path}`);
  const sources = new Set(contents.manifest.sources.map((s) => s.name));
  for (const path of listed) {
    const source = path.split('/')[1];
    if (!path.startsWith(`${PAYLOAD_DIR}/`) || source === undefined || !sources.has(source)) problems.push(`manifest lists a file outside its sources: ${path}`);
  }
  return problems;
}

/** The normalized entry path, or an error for anything that could land outside the target. */
export function checkEntryPath(raw: string, isDir: boolean): string {
  const path = isDir && raw.endsWith('/') ? raw.slice(0, -1) : raw;
  const quoted = JSON.stringify(raw);
  if (path.length === 0 || path.includes('\0') || path.includes('\\')) throw invalid(`entry ${quoted} has an invalid name`);
  if (path.startsWith('/') || /^[a-zA-Z]:/.test(path)) throw invalid(`entry ${quoted} has an absolute path`);
  const segments = path.split('/');
  if (segments.includes('..')) throw invalid(`entry ${quoted} climbs out with ".."`);
  if (segments.some((s) => s === '' || s === '.')) throw invalid(`entry ${quoted} is not a normalized path`);
  if (path !== MANIFEST_NAME && segments[0] !== PAYLOAD_DIR) throw invalid(`entry ${quoted} is outside payload/`);
  return path;
}

function invalid(message: string): BackupError {
  return new BackupError(backupErrors.MOLT_ERR_BACKUP_INVALID, { message });
}
