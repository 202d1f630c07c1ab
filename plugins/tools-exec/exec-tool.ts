/** The `exec` tool: allowlisted program + argv array, in the workspace, bounded in count, time and output. */
import { realpath } from 'node:fs/promises';
import { compileSchema } from '../../core/validate/compile.ts';
import type { ToolDefinition } from '../agent/tool-registry.ts';
import { isInside, lexicalPath } from '../tools-fs/workspace-path.ts';
import { FsToolError } from '../tools-fs/errors.ts';
import { ExecToolError } from './errors.ts';
import { resolveBinary } from './resolve-binary.ts';
import { runProcess, type RunOutput } from './run-process.ts';

export interface ExecToolOptions {
  /** Program names the tool may run. */
  allow: string[];
  trustedDirs: string[];
  maxOutputBytes: number;
  /** `tools.exec.maxProcesses` */
  maxProcesses: number;
  /** `tools.exec.timeout` (ms) */
  timeoutMs: number;
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

export function createExecTool(workspace: () => string, options: ExecToolOptions): ToolDefinition & { running(): number } {
  const validate = compileSchema(PARAMETERS);
  let running = 0;
  return {
    name: 'exec',
    description: `Run a program from the allowlist (${options.allow.join(', ') || 'empty: nothing can run'}) with an argument list; no shell.`,
    parameters: PARAMETERS,
    running: () => running,
    async handler(raw: unknown): Promise<RunOutput> {
      if (!validate(raw)) {
        const first = validate.errors?.[0];
        throw new ExecToolError('MOLT_ERR_TOOL_INVALID_ARGS', `exec: ${first?.instancePath || 'arguments'} ${first?.message ?? 'are invalid'}`);
      }
      const args = raw as { command: string; args?: string[]; cwd?: string; stdin?: string };
      const file = await resolveBinary(args.command, options.allow, options.trustedDirs);
      const root = await realpath(workspace());
      let cwd = root;
      if (args.cwd !== undefined) {
        cwd = await realpath(lexicalPath(root, args.cwd, 'cwd')).catch((error: unknown) => {
          if (error instanceof FsToolError) throw error;
          throw new FsToolError('MOLT_ERR_TOOL_NOT_FOUND', `cwd ${JSON.stringify(args.cwd)} does not exist`);
        });
        if (!isInside(root, cwd)) throw new FsToolError('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE', `cwd ${JSON.stringify(args.cwd)} is outside the workspace`);
      }
      if (running >= options.maxProcesses) throw new ExecToolError('MOLT_ERR_TOOL_EXEC_BUSY', `${running} commands are running (tools.exec.maxProcesses)`);
      running++;
      try {
        return await runProcess({
          file, args: args.args ?? [], cwd, stdin: args.stdin ?? '',
          env: { PATH: options.trustedDirs.join(':'), HOME: root, LANG: 'C.UTF-8' },
          timeoutMs: options.timeoutMs, maxOutputBytes: options.maxOutputBytes,
        });
      } finally {
        running--;
      }
    },
  };
}
