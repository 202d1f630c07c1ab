/** Typed errors of the exec tool (MOLT_ERR_TOOL_EXEC_* codes this plugin defines in error-codes.ts). */
import { MoltbotError } from '../../sdk/core/index.ts';
import { execErrors } from './error-codes.ts';
import { toolErrors } from '../../sdk/agent/index.ts';

export type ExecToolErrorCode = (typeof execErrors)[keyof typeof execErrors] | typeof toolErrors.MOLT_ERR_TOOL_INVALID_ARGS;

export class ExecToolError extends MoltbotError {
  override name = 'ExecToolError';
  declare readonly code: ExecToolErrorCode;

  constructor(code: ExecToolErrorCode, message: string) {
    super(code, { message, plugin: 'tools-exec' });
  }
}
