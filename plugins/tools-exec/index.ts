/** `tools-exec`: the `exec` tool (argv only, allowlisted binaries, `tools.exec` limits). */
import schema from '../../schemas/plugins/tools-exec.json' with { type: 'json' };
import validate from '../../schemas/generated/tools-exec.validate.ts';
import { definePlugin } from '../../core/plugin.ts';
import type { ToolRegistry } from '../agent/tool-registry.ts';
import { createExecTool } from './exec-tool.ts';

export interface ToolsExecOptions {
  allow: string[];
  trustedDirs: string[];
  maxOutputBytes: number;
}

export default definePlugin<ToolsExecOptions>({
  name: 'tools-exec',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'exec tool: allowlisted programs with an argument list, no shell',
  schema,
  validate,
  dependencies: ['agent'],
  setup(ctx, options) {
    const limits = ((ctx.config.tools as { exec?: { maxProcesses?: number; timeout?: number } } | undefined)?.exec) ?? {};
    const tool = createExecTool(() => ctx.paths.workspace, {
      ...options,
      maxProcesses: limits.maxProcesses ?? 4,
      timeoutMs: limits.timeout ?? 30_000,
    });
    ctx.onClose((ctx.use('tools') as ToolRegistry).register(tool));
  },
});
