/** Typed errors of the browser tool (MOLT_ERR_TOOL_BROWSER_* codes this plugin defines in error-codes.ts). */
import { MoltbotError } from '../../sdk/core/index.ts';
import { browserErrors } from './error-codes.ts';
import { toolErrors } from '../../sdk/agent/index.ts';

export type BrowserToolErrorCode = (typeof browserErrors)[keyof typeof browserErrors] | typeof toolErrors.MOLT_ERR_TOOL_INVALID_ARGS;

export class BrowserToolError extends MoltbotError {
  override name = 'BrowserToolError';
  declare readonly code: BrowserToolErrorCode;

  constructor(code: BrowserToolErrorCode, message: string) {
    super(code, { message, plugin: 'tools-browser' });
  }
}
