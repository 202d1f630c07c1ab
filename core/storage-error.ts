/**
 * What a failed state-file write becomes: a full disk (ENOSPC) or quota (EDQUOT) turns into
 * MOLT_ERR_STORE_NO_SPACE naming the file and where to free space, a write the disk took only
 * part of into MOLT_ERR_STORE_WRITE; anything else (EACCES, EIO, …) keeps its own error. Callers
 * undo the partial write before they throw this, so the message can say nothing was kept.
 */
import { basename, dirname } from 'node:path';
import { isMoltbotError, MoltbotError } from './errors.ts';

const NO_SPACE = new Set(['ENOSPC', 'EDQUOT']);

/** Thrown by the write-all loops when a write reports 0 bytes and no error. */
export class ShortWriteError extends Error {
  override name = 'ShortWriteError';
  constructor(file: string, written: number, wanted: number) {
    super(`the disk took ${written} of ${wanted} bytes for ${basename(file)} and then no more`);
  }
}

export function isNoSpace(error: unknown): boolean {
  return NO_SPACE.has((error as NodeJS.ErrnoException | null)?.code ?? '');
}

export function storageError(error: unknown, file: string): unknown {
  if (isMoltbotError(error)) return error;
  const dir = dirname(file);
  if (isNoSpace(error)) {
    const errno = (error as NodeJS.ErrnoException).code!;
    return new MoltbotError('MOLT_ERR_STORE_NO_SPACE', {
      message: `No space left on the disk to write ${basename(file)} (${errno}); the write was undone. Free disk space under ${dir}, then retry.`,
      file,
      fix: `Free disk space on the filesystem holding ${dir} (\`df -h ${dir}\`) or raise its quota, then retry.`,
      cause: error,
      data: { errno },
    });
  }
  if (error instanceof ShortWriteError) {
    return new MoltbotError('MOLT_ERR_STORE_WRITE', { message: `Could not write ${basename(file)}: ${error.message}; the write was undone.`, file, cause: error });
  }
  return error;
}
