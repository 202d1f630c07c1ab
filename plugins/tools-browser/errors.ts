/** Typed errors of the browser tool (MOLT_ERR_TOOL_BROWSER_* codes of the catalogue). */
import { MoltbotError } from '../../sdk/core/index.ts';

export type BrowserToolErrorCode =
  | 'MOLT_ERR_TOOL_BROWSER_BUSY' | 'MOLT_ERR_TOOL_BROWSER_BLOCKED' | 'MOLT_ERR_TOOL_BROWSER_TIMEOUT'
  | 'MOLT_ERR_TOOL_BROWSER_CRASHED' | 'MOLT_ERR_TOOL_BROWSER_MEMORY' | 'MOLT_ERR_TOOL_BROWSER_UNKNOWN_REF'
  | 'MOLT_ERR_TOOL_BROWSER_NOT_OPEN' | 'MOLT_ERR_TOOL_BROWSER_LAUNCH' | 'MOLT_ERR_TOOL_INVALID_ARGS';

export class BrowserToolError extends MoltbotError {
  override name = 'BrowserToolError';
  declare readonly code: BrowserToolErrorCode;

  constructor(code: BrowserToolErrorCode, message: string) {
    super(code, { message, plugin: 'tools-browser' });
  }
}
