/** Typed sandbox errors: MoltbotErrors with the plugin's own MOLT_ERR_SANDBOX_* codes. */
import { MoltbotError } from '../../sdk/core/index.ts';
import { sandboxErrors } from './error-codes.ts';

export type SandboxErrorCode = keyof typeof sandboxErrors;

export class SandboxError extends MoltbotError {
  override name = 'SandboxError';
  declare readonly code: (typeof sandboxErrors)[SandboxErrorCode];

  constructor(code: SandboxErrorCode, message: string, data?: Record<string, unknown>) {
    super(sandboxErrors[code], { message, plugin: 'sandbox', ...(data === undefined ? {} : { data }) });
  }
}

/** A code the worker sent back over IPC is one of ours (anything else becomes TOOL_ERROR). */
export function isSandboxCode(value: unknown): value is SandboxErrorCode {
  return typeof value === 'string' && Object.hasOwn(sandboxErrors, value);
}
