/** Approvals through a real gateway: a read-scope client sees but cannot answer; admin clients get the live events. */
import { describe, expect, it } from 'vitest';
import { decideToolCall } from '../../../sdk/agent/decide-tool-call.ts';
import toolPolicy from '../../../plugins/tool-policy/index.ts';
import { connectClient, startGateway } from '../gateway/helpers.ts';
import { fakeAgent } from './fake-agent.ts';

const agent = fakeAgent('exec');

describe('approvals over the gateway', () => {
  it('a read-scope client cannot answer; admin clients get approval.requested / approval.resolved', async () => {
    const { kernel, service, url } = await startGateway({
      config: { agents: { defaults: { sandbox: { mode: 'off', approvals: { tools: { exec: 'ask' } } } } } },
      extra: [agent, toolPolicy],
    });
    const reader = service.connect({ scopes: ['read'], subject: 'reader' });
    const admin = service.connect({ scopes: ['admin'], subject: 'owner' });
    // Events go to WebSocket clients (the control UI); the password credential is an admin one.
    const owner = await connectClient(url);
    const requested = owner.nextEvent('approval.requested');
    const resolved = owner.nextEvent('approval.resolved');

    const verdict = decideToolCall(kernel.hooks, { callId: 'c1', name: 'exec', args: { command: 'ls' }, sessionKey: 'agent:main:main' });
    let approvals: Array<{ id: string }> = [];
    for (let i = 0; i < 200 && approvals.length === 0; i++) {
      approvals = ((await reader.call('approvals.list', {})) as { approvals: Array<{ id: string }> }).approvals;
      if (approvals.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const id = approvals[0]!.id;
    await expect(reader.call('approvals.answer', { id, answer: 'once' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(admin.call('approvals.answer', { id, answer: 'maybe' })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
    expect(await admin.call('approvals.answer', { id, answer: 'once' })).toEqual({ id, tool: 'exec', answer: 'once' });
    expect(await verdict).toEqual({ args: { command: 'ls' } });
    expect((await requested).payload).toMatchObject({ id, tool: 'exec', args: { command: 'ls' }, sessionKey: 'agent:main:main', agent: 'main' });
    expect((await resolved).payload).toEqual({ id, tool: 'exec', answer: 'once', approved: true });
  });
});
