/** tools-sessions in a kernel: registered next to the agent, sandboxing decided by tool-policy. */
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { agentServiceRef } from '../../../sdk/agent/index.ts';
import { createToolRegistry, toolRegistryRef, type ToolRegistry } from '../../../sdk/agent/tool-registry.ts';
import toolPolicy from '../../../plugins/tool-policy/index.ts';
import toolsSessions from '../../../plugins/tools-sessions/index.ts';

const fakeAgent = definePlugin({
  name: 'agent', version: '1.0.0',
  provides: [toolRegistryRef, agentServiceRef],
  setup(ctx) {
    ctx.provide(toolRegistryRef, createToolRegistry());
    ctx.provide(agentServiceRef, { listSessions: async () => [{ key: 'agent:main:main' }, { key: 'agent:main:irc:group:x' }] } as never);
  },
});

describe('tools-sessions plugin', () => {
  it('registers the four tools; with mode "off" a group session is not sandboxed', async () => {
    const kernel = await createTestKernel({
      config: { agents: { defaults: { sandbox: { mode: 'off' } } } },
      plugins: [fakeAgent, [toolsSessions, {}], [toolPolicy, {}]],
    });
    const registry = kernel.use('tools') as ToolRegistry;
    expect(registry.list().map((t) => t.name)).toEqual(['sessions_list', 'sessions_history', 'sessions_send', 'sessions_spawn']);
    const list = await registry.get('sessions_list')?.handler({}, { runId: 'r', sessionKey: 'agent:main:irc:group:x', signal: new AbortController().signal });
    expect((list as { key: string }[]).map((s) => s.key)).toEqual(['agent:main:main', 'agent:main:irc:group:x']);
  });

  it('without tool-policy, every non-main session is sandboxed', async () => {
    const kernel = await createTestKernel({ plugins: [fakeAgent, [toolsSessions, {}]] });
    const list = await (kernel.use('tools') as ToolRegistry).get('sessions_list')?.handler({}, { runId: 'r', sessionKey: 'agent:main:irc:group:x', signal: new AbortController().signal });
    expect((list as { key: string }[]).map((s) => s.key)).toEqual(['agent:main:irc:group:x']);
  });
});
