/** `tools-exec`: the `exec` tool (argv only, allowlisted binaries, `tools.exec` limits). */
import schema from '../../schemas/plugins/tools-exec.json' with { type: 'json' };
import validate from '../../schemas/generated/tools-exec.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { toolRegistryRef } from '../../sdk/agent/index.ts';
import { agentWorkspace } from '../../sdk/workspace/index.ts';
import { execAuditChecks } from './audit.ts';
import { CONTAINMENT_FIX, detectContainment, type Containment, type ContainmentMode } from './containment.ts';
import { createExecTool } from './exec-tool.ts';

export interface ToolsExecOptions {
  allow: string[];
  trustedDirs: string[];
  maxOutputBytes: number;
  containment: ContainmentMode;
}

export default definePlugin<ToolsExecOptions>({
  name: 'tools-exec',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'exec tool: allowlisted programs with an argument list, no shell',
  sections: ['tools.exec'],
  schema,
  validate,
  dependencies: ['agent'],
  consumes: [toolRegistryRef],
  setup(ctx, options) {
    const limits = ((ctx.config.tools as { exec?: { maxProcesses?: number; timeout?: number } } | undefined)?.exec) ?? {};
    let detected: Promise<Containment> | undefined;
    const detect = () => (detected ??= detectContainment());
    const tool = createExecTool((sessionKey) => agentWorkspace(ctx, sessionKey), {
      ...options,
      maxProcesses: limits.maxProcesses ?? 4,
      timeoutMs: limits.timeout ?? 30_000,
      detect,
    });
    ctx.onClose(ctx.use(toolRegistryRef).register(tool));
    // Commands still running when the kernel closes are killed with everything they started.
    ctx.onClose(() => tool.close());
    ctx.hooks.audit.tapPromise(ctx.name, async (report) => {
      for (const check of execAuditChecks(options, await detect())) report.add(check);
    });
    ctx.hooks.diagnose.tapPromise(ctx.name, async (report) => {
      const containment = await detect();
      report.add(containment.kind === 'pid-namespace'
        ? { id: 'tools.exec.containment', severity: 'ok', title: 'exec process containment', description: 'Each exec command runs in its own PID namespace: nothing it starts outlives it.' }
        : { id: 'tools.exec.containment', severity: options.containment === 'required' ? 'critical' : 'warning', title: 'exec process containment', description: `No PID namespace on this host (${containment.reason}). ${options.containment === 'required' ? 'exec refuses every command.' : 'exec runs with a process-group kill only: setsid, double forks and nohup can leave processes running.'}`, recommendation: CONTAINMENT_FIX });
    });
  },
});
