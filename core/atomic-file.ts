/**
 * Atomic file writes: temp file in the same directory, fsync, rename, fsync the directory. A
 * crash mid-write leaves the old file intact (rename is atomic on one filesystem), and the
 * temp file's mode is set at creation so a secret never exists with looser permissions.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode; 0o600 unless said (state files often hold secrets or personal data). */
  mode?: number;
  /** Creates the parent directory (mode 0o700) when missing. */
  mkdir?: boolean;
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(file);
  if (options.mkdir) await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', options.mode ?? 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDir(dir);
}

/** Makes a rename durable; some filesystems refuse to open a directory: best effort there. */
async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
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
