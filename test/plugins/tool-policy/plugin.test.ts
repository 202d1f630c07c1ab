/** tool-policy in a kernel: denies through beforeToolCall, logs without arguments, checks names at start. */
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import { type ToolRegistry } from '../../../sdk/agent/tool-registry.ts';
import toolPolicy from '../../../plugins/tool-policy/index.ts';
import { fakeAgent } from './fake-agent.ts';

const agentWithTools = fakeAgent({ name: 'weather', description: 'w', parameters: { type: 'object' }, handler: () => 'sunny' });

describe('tool-policy plugin', () => {
  it('denies a sandboxed call with a clear reason and logs it without the arguments', async () => {
    const kernel = await createTestKernel({
      config: { agents: { defaults: { sandbox: { mode: 'non-main', denylist: ['exec', 'weather'] } } } },
      plugins: [agentWithTools, toolPolicy],
    });
    const call = { sessionKey: 'agent:main:telegram:group:9', callId: 'c1', name: 'weather', args: { token: 'CANARY-SECRET-99' } };
    expect(await kernel.hooks.beforeToolCall.promise(call)).toEqual({ deny: 'tool "weather" is denied in sandboxed sessions (agents.defaults.sandbox.denylist)' });
    expect(await kernel.hooks.beforeToolCall.promise({ ...call, sessionKey: 'agent:main:main' })).toBeUndefined();
    expect(await kernel.hooks.beforeToolCall.promise({ ...call, name: 'read' })).toBeUndefined();
    const denied = kernel.logs.filter((line) => line.msg?.startsWith('tool call denied'));
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ tool: 'weather', sessionKey: 'agent:main:telegram:group:9' });
    expect(JSON.stringify(kernel.logs)).not.toContain('CANARY-SECRET-99');
    expect((kernel.use('tools') as ToolRegistry).get('weather')).toBeDefined();
  });

  it('offers a sandboxed run only the tools it may call', async () => {
    const kernel = await createTestKernel({ config: { agents: { defaults: { sandbox: { mode: 'non-main' } } } }, plugins: [agentWithTools, toolPolicy] });
    const run = { runId: 'r', agentId: 'main', model: 'm', input: 'hi', metadata: {}, tools: ['read', 'exec', 'weather', 'gateway'] };
    expect((await kernel.hooks.beforeAgentRun.promise({ ...run, sessionKey: 'agent:main:irc:dm:x' })).tools).toEqual(['read', 'weather']);
    expect((await kernel.hooks.beforeAgentRun.promise({ ...run, sessionKey: 'agent:main:main' })).tools).toEqual(['read', 'exec', 'weather', 'gateway']);
  });

  it('an unknown tool name fails the start with the config path', async () => {
    const error = await createTestKernel({
      config: { agents: { defaults: { sandbox: { allowlist: ['read', 'wether'] } } } },
      plugins: [agentWithTools, toolPolicy],
    }).then(() => undefined, (e: unknown) => e);
    const text = JSON.stringify(error, Object.getOwnPropertyNames(error)) + String((error as Error).cause ?? '');
    expect(text).toContain('agents.defaults.sandbox.allowlist[1]: unknown tool \\"wether\\"; did you mean \\"weather\\"?');
  });
});
