/** Issue 25 approvals: an `ask` tool call waits for the owner; once/always/deny/never, timeout, restart, scopes, audit. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RpcContext } from '../../../core/hook-types.ts';
import { definePlugin } from '../../../core/plugin.ts';
import { createTestKernel, type TestKernel } from '../../../app/testing.ts';
import { toolRegistryRef } from '../../../sdk/agent/tool-registry.ts';
import { methodRegistry } from '../../../sdk/gateway/methods.ts';
import { runTool } from '../../../plugins/agent/tool-runner.ts';
import { TraceRecorder } from '../../../plugins/agent/trace.ts';
import toolPolicy from '../../../plugins/tool-policy/index.ts';
import type { PendingApproval } from '../../../plugins/tool-policy/approvals.ts';
import { fakeAgent } from './fake-agent.ts';

const ran: unknown[] = [];
const agent = fakeAgent(
  { name: 'exec', description: 'Exec', parameters: { type: 'object' }, handler: (args: { command?: string }) => { ran.push(args); return `ran ${args.command}`; } },
  { name: 'weather', description: 'Weather', parameters: { type: 'object' }, handler: () => 'sunny' },
);

const owner: RpcContext = { connection: { id: 'c-owner', remoteAddress: '10.0.0.7', scopes: ['admin'], subject: 'owner-laptop' }, signal: new AbortController().signal };
const SESSION = 'agent:main:main';

async function start(approvals: object = { tools: { exec: 'ask' } }, env: Record<string, string> = {}) {
  const kernel = await createTestKernel({
    config: { agents: { defaults: { sandbox: { mode: 'off', approvals } } } },
    plugins: [agent, [toolPolicy, { invokeAllow: ['exec'] }]],
    env,
  });
  const call = (method: string, params: unknown) => kernel.hooks.rpc.for(method).promise(params, owner).catch((error: { cause?: unknown }) => {
    throw error.cause ?? error;
  });
  return { kernel, call };
}

/** The tool call as the agent's loop makes it: the transcript entry the model gets back. */
function agentCall(kernel: TestKernel, args: unknown, name = 'exec') {
  const tools = kernel.use(toolRegistryRef);
  return runTool({
    call: { id: `call-${Math.random()}`, name, args }, runId: 'run-1', sessionKey: SESSION, signal: new AbortController().signal,
    timeoutMs: 5000, hooks: kernel.hooks, tools, trace: new TraceRecorder('run-1', SESSION),
  });
}

async function pending(call: (method: string, params: unknown) => Promise<unknown>, count = 1): Promise<PendingApproval[]> {
  for (let i = 0; i < 200; i++) {
    const { approvals } = (await call('approvals.list', {})) as { approvals: PendingApproval[] };
    if (approvals.length >= count) return approvals;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('no pending approval appeared');
}

describe('tool approvals', () => {
  it('an ask call waits with masked arguments; approve over RPC resumes it and the tool runs', async () => {
    const { kernel, call } = await start();
    let settled = false;
    const invoked = call('tools.invoke', { name: 'exec', args: { command: 'ls', apiKey: 'CANARY-KEY-1' }, sessionKey: SESSION }).finally(() => { settled = true; });
    const [approval] = await pending(call);
    expect(approval).toMatchObject({ tool: 'exec', args: { command: 'ls', apiKey: '[REDACTED]' }, sessionKey: SESSION, agent: 'main' });
    expect(Date.parse(approval!.expiresAt) - Date.parse(approval!.createdAt)).toBe(300_000);
    expect(settled).toBe(false);
    expect(await call('approvals.answer', { id: approval!.id, answer: 'once' })).toEqual({ id: approval!.id, tool: 'exec', answer: 'once' });
    expect(await invoked).toMatchObject({ ok: true, output: 'ran ls' });
    expect(await call('approvals.list', {})).toEqual({ approvals: [] });
    // Once is once: the next call asks again.
    void agentCall(kernel, { command: 'pwd' });
    await pending(call);
    // The audit says who answered and from where; secrets never reach the log or the files.
    const audit = readFileSync(join(kernel.tempDir, 'state', 'plugins', 'tool-policy', 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(audit.find((entry) => entry.event === 'resolved')).toMatchObject({ id: approval!.id, tool: 'exec', answer: 'once', by: { subject: 'owner-laptop', remoteAddress: '10.0.0.7', via: 'rpc' } });
    expect(JSON.stringify(kernel.logs)).not.toContain('CANARY-KEY-1');
    expect(readFileSync(join(kernel.tempDir, 'state', 'plugins', 'tool-policy', 'pending.json'), 'utf8')).not.toContain('CANARY-KEY-1');
  });

  it('deny returns a tool error to the model and the tool does not run', async () => {
    const { kernel, call } = await start();
    ran.length = 0;
    const entry = agentCall(kernel, { command: 'rm -rf /' });
    const [approval] = await pending(call);
    await call('approvals.answer', { id: approval!.id, answer: 'deny' });
    expect(await entry).toMatchObject({ role: 'tool', name: 'exec', content: `tool call denied: the owner denied "exec" (approval ${approval!.id})`, isError: true });
    expect(ran).toEqual([]);
    await expect(call('approvals.answer', { id: approval!.id, answer: 'once' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });

  it('no answer within the timeout denies the call', async () => {
    const { kernel } = await start({ tools: { exec: 'ask' }, timeoutMs: 30 });
    const entry = await agentCall(kernel, { command: 'ls' });
    expect(entry).toMatchObject({ content: expect.stringMatching(/^tool call denied: no answer to approval [0-9a-f-]+ for "exec" within 30ms/) });
  });

  it('--always adds a persisted allow rule, --never a deny rule; never/always-allow modes from config', async () => {
    const { kernel, call } = await start({ tools: { exec: 'ask', weather: 'ask' } });
    const first = agentCall(kernel, { command: 'ls' });
    const [approval] = await pending(call);
    await call('approvals.answer', { id: approval!.id, answer: 'always' });
    expect(await first).toMatchObject({ content: 'ran ls' });
    expect(await agentCall(kernel, { command: 'date' })).toMatchObject({ content: 'ran date' });
    const weather = agentCall(kernel, {}, 'weather');
    const [asked] = await pending(call);
    await call('approvals.answer', { id: asked!.id, answer: 'never' });
    expect(await weather).toMatchObject({ content: expect.stringContaining('tool call denied') });
    expect(await agentCall(kernel, {}, 'weather')).toMatchObject({ content: 'tool call denied: tool "weather" is never allowed (approval rule)' });
    const rules = JSON.parse(readFileSync(join(kernel.tempDir, 'state', 'plugins', 'tool-policy', 'rules.json'), 'utf8'));
    // Stored per agent: another agent is still asked.
    expect(rules).toEqual({ version: 2, agents: { main: { tools: { exec: 'always-allow', weather: 'never' } } } });

    const configured = await start({ tools: { exec: 'never', weather: 'always-allow' } });
    expect(await agentCall(configured.kernel, {}, 'exec')).toMatchObject({ content: 'tool call denied: tool "exec" is never allowed (approval rule)' });
    expect(await agentCall(configured.kernel, {}, 'weather')).toMatchObject({ content: 'sunny' });
  });

  it('the allow rule survives a restart; an approval pending at restart is denied with a log line', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'moltbot-approvals-'));
    const env = { MOLTBOT_STATE_DIR: stateDir };
    const before = await start({ tools: { exec: 'ask', weather: 'ask' } }, env);
    const allowed = agentCall(before.kernel, { command: 'ls' });
    const [first] = await pending(before.call);
    await before.call('approvals.answer', { id: first!.id, answer: 'always' });
    await allowed;
    // The process "dies" with a weather call waiting: nothing closes it before the next start reads the files.
    void agentCall(before.kernel, {}, 'weather');
    const [left] = await pending(before.call);
    // Listed as soon as it waits; on disk (pending.json, then this log line) a moment later.
    for (let i = 0; i < 400 && !before.kernel.logs.some((line) => line.msg === 'tool call waits for approval' && line.approvalId === left!.id); i++) await new Promise((resolve) => setTimeout(resolve, 5));

    const after = await start({ tools: { exec: 'ask', weather: 'ask' } }, env);
    expect(after.kernel.logs.find((line) => line.msg?.startsWith('approval pending at restart'))).toMatchObject({ approvalId: left!.id, tool: 'weather' });
    expect(await after.call('approvals.list', {})).toEqual({ approvals: [] });
    expect(JSON.parse(readFileSync(join(stateDir, 'plugins', 'tool-policy', 'pending.json'), 'utf8'))).toEqual({ pending: [] });
    const audit = readFileSync(join(stateDir, 'plugins', 'tool-policy', 'audit.jsonl'), 'utf8');
    expect(audit).toContain(`"id":"${left!.id}","tool":"weather","answer":"deny","reason":"restart"`);
    expect(await agentCall(after.kernel, { command: 'id' })).toMatchObject({ content: 'ran id' });
  });

  it('declares approvals.list (read) and approvals.answer (admin; a real gateway refusing a reader: approvals-gateway.test.ts)', async () => {
    const { kernel } = await start();
    const methods = methodRegistry(kernel.hooks);
    expect([methods.get('approvals.list')?.scope, methods.get('approvals.answer')?.scope]).toEqual(['read', 'admin']);
  });

  it('asks once, about the arguments a later rewriting tap settled on', async () => {
    const rewriter = definePlugin({
      name: 'rewriter', version: '1.0.0', dependencies: ['tool-policy'],
      setup(ctx) {
        ctx.hooks.beforeToolCall.tapPromise(ctx.name, async (call) => {
          const args = call.args as { command: string };
          return args.command.startsWith('nice ') ? undefined : { rewrite: { command: `nice ${args.command}` } };
        });
      },
    });
    const kernel = await createTestKernel({
      config: { agents: { defaults: { sandbox: { mode: 'off', approvals: { tools: { exec: 'ask' } } } } } },
      plugins: [agent, toolPolicy, rewriter],
    });
    const call = (method: string, params: unknown) => kernel.hooks.rpc.for(method).promise(params, owner);
    const entry = agentCall(kernel, { command: 'ls' });
    const [approval] = await pending(call);
    expect(approval!.args).toEqual({ command: 'nice ls' });
    await call('approvals.answer', { id: approval!.id, answer: 'once' });
    expect(await entry).toMatchObject({ content: 'ran nice ls' });
    expect(kernel.logs.filter((line) => line.msg === 'tool call waits for approval')).toHaveLength(1);
  });

  it('a close denies what is waiting', async () => {
    const { kernel, call } = await start();
    const entry = agentCall(kernel, { command: 'ls' });
    await pending(call);
    await kernel.close();
    expect(await entry).toMatchObject({ content: 'tool call denied: the gateway shut down before the owner answered' });
  });
});

