/** The `exec` tool: allowlisted program + argv array, in the workspace, bounded in count, time and output. */
import { realpath } from 'node:fs/promises';
import { compileOnFirstUse } from '../../sdk/core/index.ts';
import type { ToolDefinition } from '../../sdk/agent/index.ts';
import { isInside, lexicalPath } from '../../sdk/workspace/index.ts';
import { FsToolError } from '../../sdk/workspace/index.ts';
import type { Containment, ContainmentMode } from './containment.ts';
import { ExecToolError } from './errors.ts';
import { effectiveArgs, extraEnv, refusal } from './exec-policy.ts';
import { resolveBinary } from './resolve-binary.ts';
import { runProcess, type RunOutput } from './run-process.ts';
import { execErrors } from './error-codes.ts';
import { toolErrors } from '../../sdk/agent/index.ts';

export interface ExecToolOptions {
  /** Program names the tool may run. */
  allow: string[];
  trustedDirs: string[];
  maxOutputBytes: number;
  /** `tools.exec.maxProcesses` */
  maxProcesses: number;
  /** `tools.exec.timeout` (ms) */
  timeoutMs: number;
  /** `required`: refuse to run without a PID namespace; `process-group`: run with the group kill only. */
  containment: ContainmentMode;
  /** How this host contains a command (probed once, containment.ts). */
  detect(): Promise<Containment>;
}

const PARAMETERS = {
  type: 'object', additionalProperties: false, required: ['command'],
  properties: {
    command: { type: 'string', minLength: 1, maxLength: 128, description: 'Program name (no path, no shell syntax), from the allowlist.' },
    args: { type: 'array', maxItems: 256, items: { type: 'string', maxLength: 8192 }, description: 'Arguments, passed as-is (no globbing, no $VAR expansion).' },
    cwd: { type: 'string', minLength: 1, maxLength: 4096, description: 'Working folder relative to the workspace (default: the workspace).' },
    stdin: { type: 'string', maxLength: 1048576, description: 'Text written to the program\'s standard input.' },
  },
};

/** `workspace(sessionKey)`: the calling session's agent workspace. */
export function createExecTool(workspace: (sessionKey: string | undefined) => string, options: ExecToolOptions): ToolDefinition & { running(): number; close(): void } {
  const validate = compileOnFirstUse(PARAMETERS);
  let running = 0;
  // Aborted when the plugin closes: every running command's tree is killed.
  const closing = new AbortController();
  return {
    name: 'exec',
    description: `Run a program from the allowlist (${options.allow.join(', ') || 'empty: nothing can run'}) with an argument list; no shell.`,
    parameters: PARAMETERS,
    // A program may write anywhere under its working folder: protected paths apply to cwd.
    access: { paths: { cwd: 'write' } },
    running: () => running,
    close: () => closing.abort(),
    async handler(raw: unknown, context?: { signal?: AbortSignal; sessionKey?: string }): Promise<RunOutput> {
      if (!validate(raw)) {
        const first = validate.errors?.[0];
        throw new ExecToolError(toolErrors.MOLT_ERR_TOOL_INVALID_ARGS, `exec: ${first?.instancePath || 'arguments'} ${first?.message ?? 'are invalid'}`);
      }
      const args = raw as { command: string; args?: string[]; cwd?: string; stdin?: string };
      const file = await resolveBinary(args.command, options.allow, options.trustedDirs);
      const refused = refusal(args.command, args.args ?? []);
      if (refused !== undefined) throw new ExecToolError(execErrors.MOLT_ERR_TOOL_EXEC_DENIED, `exec: ${refused}`);
      const containment = await options.detect();
      if (containment.kind === 'none' && options.containment === 'required') {
        throw new ExecToolError(execErrors.MOLT_ERR_TOOL_EXEC_DENIED, `exec: no process containment on this host (${containment.reason}); commands could leave processes running. Fix the host, or set the tools-exec option containment to "process-group" to accept that`);
      }
      const root = await realpath(workspace(context?.sessionKey));
      let cwd = root;
      if (args.cwd !== undefined) {
        cwd = await realpath(lexicalPath(root, args.cwd, 'cwd')).catch((error: unknown) => {
          if (error instanceof FsToolError) throw error;
          throw new FsToolError('MOLT_ERR_TOOL_NOT_FOUND', `cwd ${JSON.stringify(args.cwd)} does not exist`);
        });
        if (!isInside(root, cwd)) throw new FsToolError('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE', `cwd ${JSON.stringify(args.cwd)} is outside the workspace`);
      }
      if (running >= options.maxProcesses) throw new ExecToolError(execErrors.MOLT_ERR_TOOL_EXEC_BUSY, `${running} commands are running (tools.exec.maxProcesses)`);
      running++;
      try {
        const signals = [closing.signal, ...(context?.signal === undefined ? [] : [context.signal])];
        return await runProcess({
          file, args: effectiveArgs(args.command, args.args ?? []), cwd, stdin: args.stdin ?? '',
          env: { PATH: options.trustedDirs.join(':'), HOME: root, LANG: 'C.UTF-8', ...extraEnv(args.command) },
          timeoutMs: options.timeoutMs, maxOutputBytes: options.maxOutputBytes,
          prefix: containment.kind === 'pid-namespace' ? containment.prefix : [],
          signal: AbortSignal.any(signals),
        });
      } finally {
        running--;
      }
    },
  };
}
