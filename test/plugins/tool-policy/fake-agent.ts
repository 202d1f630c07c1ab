/**
 * A stand-in for the agent plugin in tool-policy tests: it provides the tool registry with the
 * given tools. A name registers a tool that answers "ran"; a definition is registered as given.
 */
import { definePlugin } from '../../../core/plugin.ts';
import { createToolRegistry, toolRegistryRef, type ToolDefinition } from '../../../sdk/agent/tool-registry.ts';

export function fakeAgent(...tools: (string | ToolDefinition)[]) {
  return definePlugin({
    name: 'agent', version: '1.0.0',
    provides: [toolRegistryRef],
    setup(ctx) {
      const registry = createToolRegistry();
      for (const tool of tools) {
        registry.register(typeof tool === 'string' ? { name: tool, description: tool, parameters: { type: 'object' }, handler: () => 'ran' } : tool);
      }
      ctx.provide(toolRegistryRef, registry);
    },
  });
}
