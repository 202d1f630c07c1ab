/** Typed sandbox errors: MoltbotErrors with the MOLT_ERR_SANDBOX_* codes of the catalogue. */
import { ERROR_CATALOGUE, MoltbotError } from '../../sdk/core/index.ts';

export type SandboxErrorCode = Extract<keyof typeof ERROR_CATALOGUE, `MOLT_ERR_SANDBOX_${string}`>;

export class SandboxError extends MoltbotError {
  override name = 'SandboxError';
  declare readonly code: SandboxErrorCode;

  constructor(code: SandboxErrorCode, message: string, data?: Record<string, unknown>) {
    super(code, { message, plugin: 'sandbox', ...(data === undefined ? {} : { data }) });
  }
}

/** A code the worker sent back over IPC is one of ours (anything else becomes TOOL_ERROR). */
export function isSandboxCode(value: unknown): value is SandboxErrorCode {
  return typeof value === 'string' && value.startsWith('MOLT_ERR_SANDBOX_') && Object.hasOwn(ERROR_CATALOGUE, value);
}
