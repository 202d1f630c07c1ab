/**
 * Atomic file writes: temp file in the same directory, every byte written (short writes are
 * looped), fsync, rename, fsync the directory. A crash or a full disk mid-write leaves the old
 * file intact (rename is atomic on one filesystem) and the temp file is removed; a full disk
 * fails with MOLT_ERR_STORE_NO_SPACE naming the file. The temp file's mode is set at creation
 * so a secret never exists with looser permissions.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open as openFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { storageError } from './storage-error.ts';
import { writeAll, type WritableHandle } from './write-all.ts';

export interface AtomicWriteOptions {
  /** File mode; 0o600 unless said (state files often hold secrets or personal data). */
  mode?: number;
  /** Creates the parent directory (mode 0o700) when missing. */
  mkdir?: boolean;
  /** Opens the temp file; tests pass one whose handle fails on purpose. */
  open?: (file: string, flags: string, mode: number) => Promise<WritableHandle>;
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  if (typeof data !== 'string' && !(data instanceof Uint8Array)) throw new TypeError(`writeFileAtomic(${file}): data must be a string or bytes`);
  const dir = dirname(file);
  try {
    if (options.mkdir) await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await (options.open ?? openFile)(temp, 'wx', options.mode ?? 0o600);
    try {
      try {
        await writeAll(handle, typeof data === 'string' ? Buffer.from(data) : data, file);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  } catch (error) {
    throw storageError(error, file);
  }
  await syncDir(dir);
}

/** Makes a rename durable; some filesystems refuse to open a directory: best effort there. */
async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await openFile(dir, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM on some platforms: the rename itself is still atomic.
  } finally {
    await handle?.close();
  }
}

/** Writes `value` as JSON atomically. */
export function writeJsonAtomic(file: string, value: unknown, options?: AtomicWriteOptions): Promise<void> {
  return writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, options);
}
