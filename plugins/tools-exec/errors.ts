/** Typed errors of the exec tool (MOLT_ERR_TOOL_* codes of the catalogue). */
import { MoltbotError } from '../../sdk/core/index.ts';

export type ExecToolErrorCode = 'MOLT_ERR_TOOL_EXEC_DENIED' | 'MOLT_ERR_TOOL_EXEC_BUSY' | 'MOLT_ERR_TOOL_INVALID_ARGS';

export class ExecToolError extends MoltbotError {
  override name = 'ExecToolError';
  declare readonly code: ExecToolErrorCode;

  constructor(code: ExecToolErrorCode, message: string) {
    super(code, { message, plugin: 'tools-exec' });
  }
}
