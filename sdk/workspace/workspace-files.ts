/**
 * The workspace file helper tools use: every path is resolved inside the agent workspace
 * (lexical checks, then the real directory through its fd; symlinks leading out, hard links and
 * non-regular files refused), and the protected-path rules of the kernel are checked on the
 * file's real location for the calling session before it is opened. A third-party file tool
 * gets the same confinement as the first-party `read`/`write`/`edit` by using it.
 */
import type { PluginContext } from '../core/index.ts';
import type { PathAccess } from '../agent/index.ts';
import { FsToolError, quote } from './errors.ts';
import { editWorkspaceFile, readWorkspaceBytes, readWorkspaceFile, writeWorkspaceFile, type PathGuard } from './file-ops.ts';
import { currentSessionPolicy, protectedPathsRef, protectedRefusal } from './protected-paths.ts';
import { agentWorkspace } from './agent-workspace.ts';

/** Who is asking: the tool call's context (its session decides what the rules refuse). */
export interface FileCaller {
  sessionKey?: string;
}

export interface FileOptions {
  /** Size cap in bytes (defaults: the helper's maxReadBytes / maxWriteBytes). */
  maxBytes?: number;
  /** The argument name used in error messages (default `path`). */
  param?: string;
}

export interface WorkspaceFiles {
  /** The main agent's workspace folder (absolute); a call works in its session's agent's workspace. */
  readonly root: string;
  read(path: string, caller: FileCaller, options?: FileOptions): Promise<string>;
  /** The raw bytes (an image, a PDF), same rules and cap as `read`. Added after v1. */
  readBytes(path: string, caller: FileCaller, options?: FileOptions): Promise<Buffer>;
  /** Atomic create-or-replace. */
  write(path: string, content: string, caller: FileCaller, options?: FileOptions): Promise<{ bytes: number; created: boolean }>;
  /** Replaces the one exact occurrence of `oldText`. */
  edit(path: string, oldText: string, newText: string, caller: FileCaller, options?: FileOptions): Promise<{ bytes: number }>;
}

export interface WorkspaceFilesOptions {
  /** Default 1 MiB. */
  maxReadBytes?: number;
  /** Default 1 MiB. */
  maxWriteBytes?: number;
}

const MIB = 1024 * 1024;

/**
 * File access confined to the calling session's agent workspace (`ctx.paths.workspace` for
 * the agent main), under the protected-path rules.
 */
export function workspaceFiles(ctx: Pick<PluginContext, 'config' | 'paths' | 'use' | 'useOptional'>, options: WorkspaceFilesOptions = {}): WorkspaceFiles {
  const maxRead = options.maxReadBytes ?? MIB;
  const maxWrite = options.maxWriteBytes ?? MIB;
  const guard = (path: string, param: string, access: PathAccess, caller: FileCaller): PathGuard => (real) => {
    const reason = protectedRefusal(ctx.use(protectedPathsRef).rules(), currentSessionPolicy(ctx), real, access, caller.sessionKey);
    if (reason !== undefined) throw new FsToolError('MOLT_ERR_TOOL_PATH_PROTECTED', `${param} ${quote(path)} is protected: ${reason}`);
  };
  return {
    get root() {
      return ctx.paths.workspace;
    },
    read(path, caller, { maxBytes = maxRead, param = 'path' } = {}) {
      return readWorkspaceFile(agentWorkspace(ctx, caller.sessionKey), path, maxBytes, param, guard(path, param, 'read', caller));
    },
    readBytes(path, caller, { maxBytes = maxRead, param = 'path' } = {}) {
      return readWorkspaceBytes(ctx.paths.workspace, path, maxBytes, param, guard(path, param, 'read', caller));
    },
    write(path, content, caller, { maxBytes = maxWrite, param = 'path' } = {}) {
      return writeWorkspaceFile(agentWorkspace(ctx, caller.sessionKey), path, content, maxBytes, param, guard(path, param, 'write', caller));
    },
    edit(path, oldText, newText, caller, { maxBytes = maxWrite, param = 'path' } = {}) {
      // Reading to edit is part of the write: one write-kind check covers both.
      return editWorkspaceFile(agentWorkspace(ctx, caller.sessionKey), path, oldText, newText, maxBytes, guard(path, param, 'write', caller));
    },
  };
}
