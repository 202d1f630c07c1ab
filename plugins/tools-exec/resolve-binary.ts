/**
 * Which binary a command name means: a bare name from the allowlist, looked up only in the
 * trusted directories (never the caller's PATH), resolved to a real, executable regular file
 * that still lies in a trusted directory.
 */
import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ExecToolError } from './errors.ts';
import { execErrors } from './error-codes.ts';

const BARE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,127}$/;

export async function resolveBinary(command: string, allow: readonly string[], trustedDirs: readonly string[]): Promise<string> {
  if (!BARE_NAME.test(command)) throw new ExecToolError(execErrors.MOLT_ERR_TOOL_EXEC_DENIED, `command ${JSON.stringify(command.slice(0, 80))} must be a bare program name`);
  if (!allow.includes(command)) throw new ExecToolError(execErrors.MOLT_ERR_TOOL_EXEC_DENIED, `command "${command}" is not in the tools-exec allowlist`);
  const trustedReal = await Promise.all(trustedDirs.map((dir) => realpath(dir).catch(() => undefined)));
  for (const dir of trustedDirs) {
    const candidate = join(dir, command);
    try {
      const real = await realpath(candidate);
      const info = await stat(real);
      if (!info.isFile()) continue;
      await access(real, constants.X_OK);
      if (!trustedReal.includes(dirname(real)) && !trustedDirs.includes(dirname(real))) continue;
      return real;
    } catch {
      // not in this directory
    }
  }
  throw new ExecToolError(execErrors.MOLT_ERR_TOOL_EXEC_DENIED, `command "${command}" was not found in the trusted directories`);
}
