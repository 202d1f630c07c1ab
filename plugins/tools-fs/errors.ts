/**
 * Typed errors of the file tools (MOLT_ERR_TOOL_* codes of the catalogue). Messages quote the
 * parameter name and the (escaped, truncated) value the model gave, never file contents.
 */
import { MoltbotError } from '../../sdk/core/index.ts';

export type FsToolErrorCode =
  | 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE' | 'MOLT_ERR_TOOL_PATH_INVALID' | 'MOLT_ERR_TOOL_NOT_A_FILE'
  | 'MOLT_ERR_TOOL_FILE_TOO_LARGE' | 'MOLT_ERR_TOOL_NOT_FOUND' | 'MOLT_ERR_TOOL_EDIT_NO_MATCH' | 'MOLT_ERR_TOOL_INVALID_ARGS';

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
