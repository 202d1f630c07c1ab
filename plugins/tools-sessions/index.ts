/** `tools-sessions`: sessions_list, sessions_history, sessions_send and sessions_spawn, with sandbox inheritance enforced. */
import schema from '../../schemas/plugins/tools-sessions.json' with { type: 'json' };
import validate from '../../schemas/generated/tools-sessions.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { agentServiceRef, parseSessionKey, toolPolicyRef, toolRegistryRef } from '../../sdk/agent/index.ts';
import { createSessionTools, type SessionToolOptions } from './session-tools.ts';
import { createSpawnTool, type SpawnOptions } from './spawn-tool.ts';

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
    ctx.onClose(registry.register(createSpawnTool(() => ctx.use(agentServiceRef), options.spawn)));
  },
});
