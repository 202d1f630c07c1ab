/** AU-18 and the operator surface: tools.list / tools.invoke declared with their scopes, RPC deny list, policy on top. */
import { describe, expect, it } from 'vitest';
import type { RpcContext } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { methodRegistry } from '../../../sdk/gateway/methods.ts';
import toolPolicy from '../../../plugins/tool-policy/index.ts';
import { RPC_INVOKE_DENY } from '../../../plugins/tool-policy/rpc.ts';
import { fakeAgent } from './fake-agent.ts';

const agent = fakeAgent(
  { name: 'weather', description: 'Weather', parameters: { type: 'object' }, handler: (args: { city?: string }, c) => `sunny in ${args.city} for ${c.sessionKey}` },
  { name: 'read', description: 'Read', parameters: { type: 'object' }, handler: () => { throw Object.assign(new Error('path "x" is outside the workspace'), { code: 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE' }); } },
  { name: 'exec', description: 'Exec', parameters: { type: 'object' }, handler: () => 'ran' },
  { name: 'acme_write', description: 'Write (third-party)', parameters: { type: 'object' }, access: { paths: { target: 'write' } }, handler: () => 'written' },
);

const rpc: RpcContext = { connection: { id: 'c1', remoteAddress: '127.0.0.1', scopes: ['admin'] }, signal: new AbortController().signal };

async function start(options: { invokeAllow?: string[] } = {}, sandbox: object = { mode: 'non-main' }) {
  const kernel = await createTestKernel({ config: { agents: { defaults: { sandbox } } }, plugins: [agent, [toolPolicy, options]] });
  // The kernel wraps a tap's error (MOLT_ERR_HOOK_FAILED); the gateway answers with its cause.
  const call = (method: string, params: unknown) => kernel.hooks.rpc.for(method).promise(params, rpc).catch((error: { cause?: unknown }) => {
    throw error.cause ?? error;
  });
  return { kernel, call };
}

describe('tools RPC', () => {
  it('declares tools.list (read) and tools.invoke (admin)', async () => {
    const { kernel } = await start();
    const methods = methodRegistry(kernel.hooks);
    expect([methods.get('tools.list')?.scope, methods.get('tools.invoke')?.scope]).toEqual(['read', 'admin']);
  });

  it('tools.list says what a session may call and what RPC may invoke', async () => {
    const { call } = await start();
    expect(await call('tools.list', { sessionKey: 'agent:main:main' })).toEqual({ tools: [
      { name: 'weather', description: 'Weather', parameters: { type: 'object' }, allowed: true, invokable: true },
      { name: 'read', description: 'Read', parameters: { type: 'object' }, allowed: true, invokable: true },
      { name: 'exec', description: 'Exec', parameters: { type: 'object' }, allowed: true, invokable: false },
      { name: 'acme_write', description: 'Write (third-party)', parameters: { type: 'object' }, allowed: true, invokable: false },
    ] });
    const sandboxed = (await call('tools.list', {}) as { tools: { name: string; allowed: boolean }[] }).tools;
    expect(sandboxed.find((t) => t.name === 'exec')?.allowed).toBe(false);
  });

  it('tools.invoke runs a tool; a tool error is a result, not an RPC failure', async () => {
    const { call } = await start();
    expect(await call('tools.invoke', { name: 'weather', args: { city: 'Oslo' }, sessionKey: 'agent:main:main' })).toMatchObject({ ok: true, output: 'sunny in Oslo for agent:main:main' });
    expect(await call('tools.invoke', { name: 'weather', args: { city: 'Rome' } })).toMatchObject({ ok: true, output: 'sunny in Rome for rpc:c1' });
    expect(await call('tools.invoke', { name: 'read', args: {} })).toMatchObject({ ok: false, error: { code: 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE', message: 'path "x" is outside the workspace' } });
  });

  it('AU-18 the RPC deny list refuses exec even for admin, unless invokeAllow names it; the session policy still applies', async () => {
    expect(RPC_INVOKE_DENY).toEqual(expect.arrayContaining(['exec', 'sessions_send', 'sessions_spawn', 'gateway', 'cron', 'write']));
    const { call } = await start();
    await expect(call('tools.invoke', { name: 'exec', args: {}, sessionKey: 'agent:main:main' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'tool "exec" cannot be invoked over RPC (add it to the tool-policy option invokeAllow to allow it)' });
    const allowed = await start({ invokeAllow: ['exec'] });
    expect(await allowed.call('tools.invoke', { name: 'exec', sessionKey: 'agent:main:main' })).toMatchObject({ ok: true, output: 'ran' });
    await expect(allowed.call('tools.invoke', { name: 'exec' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'tool call denied: tool "exec" is denied in sandboxed sessions (the default sandbox denylist)' });
    await expect(allowed.call('tools.invoke', { name: 'nope' })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: 'unknown tool "nope"' });
  });

  it('a tool declaring write access to workspace paths is refused over RPC like write, whatever its name', async () => {
    const { call } = await start();
    await expect(call('tools.invoke', { name: 'acme_write', args: { target: 'a.md' }, sessionKey: 'agent:main:main' })).rejects.toMatchObject({
      code: 'FORBIDDEN', message: 'tool "acme_write" writes workspace files and cannot be invoked over RPC (add it to the tool-policy option invokeAllow to allow it)',
    });
    const allowed = await start({ invokeAllow: ['acme_write'] });
    expect(await allowed.call('tools.invoke', { name: 'acme_write', args: { target: 'a.md' }, sessionKey: 'agent:main:main' })).toMatchObject({ ok: true, output: 'written' });
  });
});
