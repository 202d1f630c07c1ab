/**
 * Read, atomic write and edit of workspace files, all through the path guard. A symlink leaf
 * is followed only when its real target is inside the workspace (re-checked through the
 * guard, so the final open is again O_NOFOLLOW); hard-linked files (nlink > 1) are refused;
 * writes go to a temp file in the same directory (O_EXCL|O_NOFOLLOW), fsync, rename, fsync
 * of the directory.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, realpath, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { storageError } from '../core/index.ts';
import { FsToolError, quote } from './errors.ts';
import { isInside, openParent, type OpenedDir } from './workspace-path.ts';

const MAX_LINK_HOPS = 8;

/**
 * Called with the file's real workspace-relative path (`/`-separated, symlinks resolved) once
 * it is known to be inside the workspace and before it is opened; throws to refuse it. The
 * protected-path rules reach the file helper through it (workspace-files.ts).
 */
export type PathGuard = (realPath: string) => void;

/** Opens the directory holding `path`, following an inside-pointing symlink leaf; calls `use` with it. */
async function withLeaf<T>(workspace: string, path: string, param: string, guard: PathGuard | undefined, use: (dir: OpenedDir, existing: import('node:fs').Stats | undefined) => Promise<T>): Promise<T> {
  let input = path;
  for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
    const dir = await openParent(workspace, input, param);
    try {
      const leaf = `${dir.base}/${dir.name}`;
      const stat = await lstat(leaf).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (stat?.isSymbolicLink()) {
        const target = await realpath(leaf).catch(() => undefined);
        if (target === undefined || !isInside(dir.workspaceReal, target)) {
          throw new FsToolError('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE', `${param} ${quote(path)} is a symlink leading outside the workspace`);
        }
        input = relative(dir.workspaceReal, target);
        continue;
      }
      if (stat !== undefined && !stat.isFile()) throw new FsToolError('MOLT_ERR_TOOL_NOT_A_FILE', `${param} ${quote(path)} is not a regular file`);
      if (stat !== undefined && stat.nlink > 1) {
        throw new FsToolError('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE', `${param} ${quote(path)} has other hard links; it may alias a file outside the workspace`);
      }
      guard?.(dir.real);
      return await use(dir, stat);
    } finally {
      await dir.close();
    }
  }
  throw new FsToolError('MOLT_ERR_TOOL_PATH_INVALID', `${param} ${quote(path)}: too many symlinks`);
}

export async function readWorkspaceFile(workspace: string, path: string, maxBytes: number, param = 'path', guard?: PathGuard): Promise<string> {
  return (await readWorkspaceBytes(workspace, path, maxBytes, param, guard)).toString('utf8');
}

/** The file's bytes, under the same confinement and size cap as `readWorkspaceFile` (images, uploads). */
export async function readWorkspaceBytes(workspace: string, path: string, maxBytes: number, param = 'path', guard?: PathGuard): Promise<Buffer> {
  return withLeaf(workspace, path, param, guard, async (dir, stat) => {
    if (stat === undefined) throw new FsToolError('MOLT_ERR_TOOL_NOT_FOUND', `${param} ${quote(path)} does not exist`);
    let handle: FileHandle;
    try {
      // O_NONBLOCK: a FIFO swapped in after the lstat opens without waiting for a writer.
      handle = await open(`${dir.base}/${dir.name}`, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new FsToolError('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE', `${param} ${quote(path)} became a symlink`);
      throw error;
    }
    try {
      const opened = await handle.stat();
      if (!opened.isFile()) throw new FsToolError('MOLT_ERR_TOOL_NOT_A_FILE', `${param} ${quote(path)} is not a regular file`);
      if (opened.nlink > 1) throw new FsToolError('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE', `${param} ${quote(path)} has other hard links`);
      if (opened.size > maxBytes) throw new FsToolError('MOLT_ERR_TOOL_FILE_TOO_LARGE', `${param} ${quote(path)} is ${opened.size} bytes; the limit is ${maxBytes}`);
      // Sized by the file, not the cap (a 100 MiB cap must not allocate 100 MiB for a small
      // file), reading on to EOF in case it grew, and never past the cap.
      const chunks: Buffer[] = [];
      let total = 0;
      let want = Math.min(maxBytes, opened.size) + 1;
      for (;;) {
        const buffer = Buffer.alloc(Math.min(want, maxBytes + 1 - total));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, total);
        if (bytesRead === 0) break;
        chunks.push(buffer.subarray(0, bytesRead));
        total += bytesRead;
        if (total > maxBytes) throw new FsToolError('MOLT_ERR_TOOL_FILE_TOO_LARGE', `${param} ${quote(path)} is over ${maxBytes} bytes`);
        want = 64 * 1024;
      }
      return Buffer.concat(chunks, total);
    } finally {
      await handle.close();
    }
  });
}

export async function writeWorkspaceFile(workspace: string, path: string, content: string, maxBytes: number, param = 'path', guard?: PathGuard): Promise<{ bytes: number; created: boolean }> {
  const bytes = Buffer.byteLength(content);
  if (bytes > maxBytes) throw new FsToolError('MOLT_ERR_TOOL_FILE_TOO_LARGE', `content is ${bytes} bytes; the limit is ${maxBytes}`);
  return withLeaf(workspace, path, param, guard, async (dir, stat) => {
    const mode = stat === undefined ? 0o644 : stat.mode & 0o777;
    const temp = `${dir.base}/.${dir.name}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    try {
      try {
        await handle.writeFile(content, 'utf8');
        await handle.chmod(mode);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, `${dir.base}/${dir.name}`);
      await dir.sync();
    } catch (error) {
      await unlink(temp).catch(() => {});
      // A full disk says so (MOLT_ERR_STORE_NO_SPACE), naming the workspace path, not the fd path.
      throw storageError(error, join(workspace, path));
    }
    return { bytes, created: stat === undefined };
  });
}

export async function editWorkspaceFile(workspace: string, path: string, oldText: string, newText: string, maxBytes: number, guard?: PathGuard): Promise<{ bytes: number }> {
  const text = await readWorkspaceFile(workspace, path, maxBytes, 'path', guard);
  const first = text.indexOf(oldText);
  if (oldText.length === 0 || first < 0 || text.indexOf(oldText, first + 1) >= 0) {
    throw new FsToolError('MOLT_ERR_TOOL_EDIT_NO_MATCH', `oldText ${first < 0 ? 'does not occur' : 'occurs more than once'} in ${quote(path)}; it must occur exactly once`);
  }
  const next = text.slice(0, first) + newText + text.slice(first + oldText.length);
  const { bytes } = await writeWorkspaceFile(workspace, path, next, maxBytes, 'path', guard);
  return { bytes };
}
