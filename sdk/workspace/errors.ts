/**
 * Typed errors of workspace file access. The codes belong to this SDK area (the open error
 * catalogue lists them with owner `sdk/workspace`); the code strings are those the file tools
 * always had. Messages quote the parameter name and the (escaped, truncated) value the model
 * gave, never file contents.
 */
import { MoltbotError, defineErrors } from '../core/index.ts';
import { toolErrors } from '../agent/index.ts';

export const workspaceErrors = defineErrors('sdk/workspace', {
  MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE: {
    title: 'Path outside the workspace',
    fix: 'Give a path inside the workspace, relative to it; symlinks and hard links leading out are refused.',
  },
  MOLT_ERR_TOOL_PATH_INVALID: {
    title: 'Invalid path',
    fix: 'Give a plain relative path: no NUL bytes, backslashes, "~" or encoded dots.',
  },
  MOLT_ERR_TOOL_NOT_A_FILE: {
    title: 'Not a regular file',
    fix: 'Only regular files can be read or written; directories, FIFOs and devices are refused.',
  },
  MOLT_ERR_TOOL_FILE_TOO_LARGE: {
    title: 'File too large',
    fix: 'The file is over the tool\'s size cap; read a smaller file or raise the cap in the plugin options.',
  },
  MOLT_ERR_TOOL_NOT_FOUND: {
    title: 'File not found',
    fix: 'The file does not exist; check the path (relative to the workspace).',
  },
  MOLT_ERR_TOOL_EDIT_NO_MATCH: {
    title: 'Edit text not found exactly once',
    fix: 'oldText must occur exactly once in the file; include more surrounding text.',
  },
  MOLT_ERR_TOOL_PATH_PROTECTED: {
    title: 'The path is protected from this session',
    fix: 'The plugin owning the files (memory, skills...) refuses this access to sandboxed sessions; use the owner\'s main session, or allow the owning tools for sandboxed sessions in agents.defaults.sandbox.allowlist.',
  },
});

/** This area's codes, plus the tool helpers' MOLT_ERR_TOOL_INVALID_ARGS that file tools also raise. */
export type FsToolErrorCode = keyof typeof workspaceErrors | keyof typeof toolErrors;

export class FsToolError extends MoltbotError {
  override name = 'FsToolError';
  declare readonly code: (typeof workspaceErrors)[keyof typeof workspaceErrors] | typeof toolErrors.MOLT_ERR_TOOL_INVALID_ARGS;

  constructor(code: FsToolErrorCode, message: string) {
    super(code === 'MOLT_ERR_TOOL_INVALID_ARGS' ? toolErrors[code] : workspaceErrors[code], { message, plugin: 'tools-fs' });
  }
}

/** A model-given value in an error message: escaped, and cut at 120 characters. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}
