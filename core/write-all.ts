/**
 * The low-level rules every state-file writer follows. A write(2) may take only part of the
 * buffer and report no error (a filesystem nearly full does exactly that), so each write loops
 * until every byte landed or an error says why not. A line-oriented file must end at a record
 * boundary before anything is appended, or the next record is glued to a torn one: the
 * `lineEnd` helpers find where the last complete line ends.
 */
import { fstatSync, readSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { ShortWriteError } from './storage-error.ts';

/** The parts of a FileHandle the writers use (tests pass one that fails on purpose). */
export type WritableHandle = Pick<FileHandle, 'write' | 'read' | 'stat' | 'truncate' | 'datasync' | 'sync' | 'close'>;

export async function writeAll(handle: Pick<FileHandle, 'write'>, data: Uint8Array, file: string): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset);
    if (bytesWritten <= 0) throw new ShortWriteError(file, offset, data.length);
    offset += bytesWritten;
  }
}

/** write(2) as the sync writers call it (tests pass one that fails like a full disk). */
export type WriteSync = (fd: number, data: Uint8Array, offset: number, length: number) => number;

export function writeAllSync(fd: number, data: Uint8Array, file: string, write: WriteSync = writeSync): void {
  let offset = 0;
  while (offset < data.length) {
    const written = write(fd, data, offset, data.length - offset);
    if (written <= 0) throw new ShortWriteError(file, offset, data.length);
    offset += written;
  }
}

const CHUNK = 64 * 1024;

/** Length of the file up to and including its last newline (0 when it has none). */
export async function lineEnd(handle: Pick<FileHandle, 'read' | 'stat'>): Promise<{ size: number; end: number }> {
  const size = (await handle.stat()).size;
  const buffer = Buffer.alloc(Math.min(CHUNK, size));
  for (let stop = size; stop > 0; stop -= buffer.length) {
    const start = Math.max(0, stop - buffer.length);
    const { bytesRead } = await handle.read(buffer, 0, stop - start, start);
    const at = buffer.subarray(0, bytesRead).lastIndexOf(0x0a);
    if (at !== -1) return { size, end: start + at + 1 };
  }
  return { size, end: 0 };
}

export function lineEndSync(fd: number): { size: number; end: number } {
  const size = fstatSync(fd).size;
  const buffer = Buffer.alloc(Math.min(CHUNK, size));
  for (let stop = size; stop > 0; stop -= buffer.length) {
    const start = Math.max(0, stop - buffer.length);
    const read = readSync(fd, buffer, 0, stop - start, start);
    const at = buffer.subarray(0, read).lastIndexOf(0x0a);
    if (at !== -1) return { size, end: start + at + 1 };
  }
  return { size, end: 0 };
}
