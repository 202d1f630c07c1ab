/**
 * Puts the workspace's user tools into the agent's `tools` registry at start. Each handler
 * runs the tool in the sandbox, charged to the calling session's CPU budget.
 */
import type { PluginContext } from '../../sdk/core/index.ts';
import { toolRegistryRef } from '../../sdk/agent/index.ts';
import type { UserTool, UserToolProblem } from '../../sdk/agent/index.ts';

export async function registerUserTools(
  ctx: PluginContext,
  load: () => Promise<{ tools: UserTool[]; problems: UserToolProblem[] }>,
): Promise<string[]> {
  const registry = ctx.useOptional(toolRegistryRef);
  if (registry === undefined) {
    ctx.log.debug('no tools registry (agent plugin absent): user tools are not registered');
    return [];
  }
  const { tools, problems } = await load();
  for (const problem of problems) ctx.log.warn({ file: problem.file }, `user tool skipped: ${problem.message}`);
  const registered: string[] = [];
  for (const tool of tools) {
    try {
      const remove = registry.register({
        name: tool.name,
        description: tool.description,
        parameters: tool.parameters,
        handler: async (args: unknown, context: { sessionKey?: string }) => (await tool.invoke(args, context.sessionKey)).value,
      });
      ctx.onClose(remove);
      registered.push(tool.name);
    } catch (error) {
      ctx.log.warn({ file: tool.file }, `user tool skipped: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (registered.length > 0) ctx.log.info({ tools: registered }, 'user tools registered (sandboxed)');
  return registered;
}
