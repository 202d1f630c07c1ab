/** `tools-sessions`: sessions_list, sessions_history, sessions_send and sessions_spawn, with sandbox inheritance enforced. */
import schema from '../../schemas/plugins/tools-sessions.json' with { type: 'json' };
import validate from '../../schemas/generated/tools-sessions.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { agentServiceRef, parseSessionKey, toolPolicyRef, toolRegistryRef } from '../../sdk/agent/index.ts';
import { createSessionTools, type SessionToolOptions } from './session-tools.ts';
import { createSpawner, type SpawnOptions } from './spawn-tool.ts';
import { defineMethod, RpcError } from '../../sdk/gateway/index.ts';
import { isMoltbotError } from '../../sdk/core/index.ts';

export default definePlugin<SessionToolOptions & { spawn: SpawnOptions }>({
  name: 'tools-sessions',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'sessions_list, sessions_history, sessions_send and sessions_spawn tools',
  schema,
  validate,
  dependencies: ['agent'],
  consumes: [toolRegistryRef, agentServiceRef],
  setup(ctx, options) {
    const sandboxed = (sessionKey: string): boolean => {
      try {
        return ctx.use(toolPolicyRef).current().sandboxed(sessionKey);
      } catch {
        // Without the policy plugin: everything but a main session counts as sandboxed.
        try {
          return !parseSessionKey(sessionKey).main;
        } catch {
          return true;
        }
      }
    };
    const registry = ctx.use(toolRegistryRef);
    for (const tool of createSessionTools({ agent: () => ctx.use(agentServiceRef), sandboxed }, options)) ctx.onClose(registry.register(tool));
    const spawner = createSpawner(() => ctx.use(agentServiceRef), options.spawn);
    ctx.onClose(registry.register(spawner.tool));
    // The operator's entry: a task in a new sub-agent session of any agent, under the same bounds.
    defineMethod<{ task: string; agentId?: string }>(ctx, {
      name: 'sessions.spawn',
      scope: 'write',
      description: 'Runs a task in a new sub-agent session (agent:<agentId>:subagent:dm:…) and answers its final reply',
      params: { type: 'object', additionalProperties: false, required: ['task'], properties: { task: { type: 'string', minLength: 1, maxLength: options.spawn.maxTaskChars }, agentId: { type: 'string', minLength: 1, maxLength: 64 } } },
      handler: async (params, rpc) => {
        try {
          return await spawner.spawn({ task: params.task, agentId: params.agentId ?? 'main', signal: rpc.signal });
        } catch (error) {
          const code = (error as { code?: unknown }).code;
          if (isMoltbotError(error) && code === 'MOLT_ERR_TOOL_SPAWN_REFUSED') throw new RpcError('LIMIT_EXCEEDED', error.message);
          if (typeof code === 'string' && !isMoltbotError(error)) throw new RpcError(code, (error as Error).message);
          throw error;
        }
      },
    });
  },
});
