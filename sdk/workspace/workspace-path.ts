/**
 * The one path guard every file tool goes through (security-tests §2.7, FS-01..05).
 *
 * A path is checked lexically first (relative, inside the workspace, no tricks), then the
 * directory that holds it is opened and its real location read back from
 * `/proc/self/fd/<fd>`: everything after that goes through the directory's fd
 * (`/proc/self/fd/<fd>/<name>`), so swapping a path component for a symlink after the check
 * (TOCTOU, CVE-2026-44112) cannot redirect the operation. The leaf is opened with O_NOFOLLOW.
 */
import { constants } from 'node:fs';
import { open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { FsToolError, quote } from './errors.ts';

export interface OpenedDir {
  /** `/proc/self/fd/<fd>`: the directory, whatever its path points at now. */
  readonly base: string;
  /** The file's name inside that directory. */
  readonly name: string;
  /** Path relative to the workspace, for messages. */
  readonly display: string;
  /** Where the file really is, relative to the real workspace (`/`-separated, parent symlinks resolved). */
  readonly real: string;
  /** The real workspace path. */
  readonly workspaceReal: string;
  /** fsync of the directory (after a rename). */
  sync(): Promise<void>;
  close(): Promise<void>;
}

const MAX_PATH = 4096;

/** True when `child` is `root` or below it (path-segment aware: `/w` does not contain `/w-evil`). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(root, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Lexical checks; returns the absolute path under the (real) workspace. */
export function lexicalPath(workspaceReal: string, input: unknown, param: string): string {
  if (typeof input !== 'string' || input.length === 0) throw new FsToolError('MOLT_ERR_TOOL_PATH_INVALID', `${param} must be a non-empty string`);
  if (input.length > MAX_PATH) throw new FsToolError('MOLT_ERR_TOOL_PATH_INVALID', `${param} is longer than ${MAX_PATH} characters`);
  if (input.includes('\0')) throw new FsToolError('MOLT_ERR_TOOL_PATH_INVALID', `${param} contains a NUL byte`);
  if (input.includes('\\') || input.startsWith('~') || /%2e|%2f/i.test(input)) {
    throw new FsToolError('MOLT_ERR_TOOL_PATH_INVALID', `${param} ${quote(input)} must be a plain relative path`);
  }
  const absolute = resolve(workspaceReal, input);
  if (!isInside(workspaceReal, absolute) || absolute === workspaceReal) {
    throw new FsToolError('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE', `${param} ${quote(input)} is outside the workspace`);
  }
  return absolute;
}

/** Opens the directory that holds `input` and proves it is inside the workspace. */
export async function openParent(workspace: string, input: unknown, param: string): Promise<OpenedDir> {
  const workspaceReal = await realpath(workspace).catch(() => {
    throw new FsToolError('MOLT_ERR_TOOL_NOT_FOUND', 'the workspace folder does not exist');
  });
  const absolute = lexicalPath(workspaceReal, input, param);
  let dir: FileHandle;
  try {
    dir = await open(dirname(absolute), constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new FsToolError('MOLT_ERR_TOOL_NOT_FOUND', `${param} ${quote(input as string)}: its folder does not exist`);
    if (code === 'ENOTDIR') throw new FsToolError('MOLT_ERR_TOOL_NOT_A_FILE', `${param} ${quote(input as string)}: a parent is not a folder`);
    throw error;
  }
  let real: string;
  try {
    real = await readlink(`/proc/self/fd/${dir.fd}`);
    if (!isInside(workspaceReal, real)) {
      throw new FsToolError('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE', `${param} ${quote(input as string)} is outside the workspace (through a symlink)`);
    }
  } catch (error) {
    await dir.close();
    throw error;
  }
  return {
    base: `/proc/self/fd/${dir.fd}`,
    name: basename(absolute),
    display: relative(workspaceReal, absolute),
    real: relative(workspaceReal, join(real, basename(absolute))).split(sep).join('/'),
    workspaceReal,
    sync: () => dir.sync(),
    close: () => dir.close(),
  };
}
