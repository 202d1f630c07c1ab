/**
 * Typed errors of workspace file access (MOLT_ERR_TOOL_* codes). Messages quote the
 * parameter name and the (escaped, truncated) value the model gave, never file contents.
 */
import { MoltbotError, defineErrors } from '../core/index.ts';

/** Codes of this SDK area (the other MOLT_ERR_TOOL_* codes are the kernel catalogue's). */
export const workspaceErrors = defineErrors('sdk/workspace', {
  MOLT_ERR_TOOL_PATH_PROTECTED: {
    title: 'The path is protected from this session',
    fix: 'The plugin owning the files (memory, skills...) refuses this access to sandboxed sessions; use the owner\'s main session, or allow the owning tools for sandboxed sessions in agents.defaults.sandbox.allowlist.',
  },
});

export type FsToolErrorCode =
  | 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE' | 'MOLT_ERR_TOOL_PATH_INVALID' | 'MOLT_ERR_TOOL_NOT_A_FILE'
  | 'MOLT_ERR_TOOL_FILE_TOO_LARGE' | 'MOLT_ERR_TOOL_NOT_FOUND' | 'MOLT_ERR_TOOL_EDIT_NO_MATCH' | 'MOLT_ERR_TOOL_INVALID_ARGS'
  | typeof workspaceErrors.MOLT_ERR_TOOL_PATH_PROTECTED;

export class FsToolError extends MoltbotError {
  override name = 'FsToolError';
  declare readonly code: FsToolErrorCode;

  constructor(code: FsToolErrorCode, message: string) {
    super(code, { message, plugin: 'tools-fs' });
  }
}

/** A model-given value in an error message: escaped, and cut at 120 characters. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}
