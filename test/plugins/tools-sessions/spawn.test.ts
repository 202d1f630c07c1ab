/** sessions_spawn: a sub-agent's reply reaches the parent run; spawns beyond the bounds are clear tool errors. */
import { describe, expect, it } from 'vitest';
import { startAgent } from '../agent/harness.ts';

const toolMessages = async (h: Awaited<ReturnType<typeof startAgent>>, key: string) => (await h.agent.history(key)).filter((m) => m.role === 'tool');

describe('sessions_spawn', () => {
  it("runs the task in a child session and returns the child's reply to the parent run; the traces are linked", async () => {
    const h = await startAgent({ extra: ['tools-sessions'] });
    // In order: the parent asks for a spawn, the child answers, the parent finishes.
    h.fake.script(
      { toolCall: { name: 'sessions_spawn', args: { task: 'count the apples' } } },
      { text: 'child says: 7 apples' },
      { text: 'parent: there are 7 apples' },
    );
    const parent = await h.agent.run({ sessionKey: 'agent:main:main', message: 'how many apples?' });
    expect(parent.text).toBe('parent: there are 7 apples');
    const [spawned] = await toolMessages(h, 'agent:main:main');
    const result = JSON.parse(spawned!.content as string);
    expect(result).toMatchObject({ agentId: 'main', sessionKey: `agent:main:subagent:dm:${parent.runId}-1`, text: 'child says: 7 apples' });
    // The child ran in its own session; its trace names the parent run.
    expect((await h.agent.history(result.sessionKey)).map((m) => m.content)).toEqual(['count the apples', 'child says: 7 apples']);
    const childTrace = await h.agent.trace(result.runId);
    expect(childTrace?.events.find((e) => e.type === 'run.start')).toMatchObject({ parentRunId: parent.runId });
    // The child's task reached the model as the child's own user message.
    expect(h.fake.requests[1]!.body.messages.at(-1)).toMatchObject({ role: 'user', content: 'count the apples' });
  });

  it('a spawn beyond the depth limit is refused with a clear tool error; another agent needs allowAgents', async () => {
    const h = await startAgent({ extra: ['tools-sessions'], agents: { list: [{ id: 'other', model: 'fake/primary' }] } });
    h.fake.script(
      { toolCall: { name: 'sessions_spawn', args: { task: 'go deeper' } } },
      // The child (depth 1) tries to spawn a grandchild: refused (maxDepth 1).
      { toolCall: { name: 'sessions_spawn', args: { task: 'deeper still' } } },
      { text: 'child could not go deeper' },
      { toolCall: { name: 'sessions_spawn', args: { task: 'elsewhere', agentId: 'other' } } },
      { text: 'parent done' },
    );
    const parent = await h.agent.run({ sessionKey: 'agent:main:main', message: 'start' });
    expect(parent.text).toBe('parent done');
    const childKey = `agent:main:subagent:dm:${parent.runId}-1`;
    const [grandchild] = await toolMessages(h, childKey);
    expect(grandchild).toMatchObject({ isError: true });
    expect(grandchild!.content).toContain('sessions_spawn: depth limit reached: this session is already a sub-agent at depth 1, and spawn.maxDepth is 1');
    const [first, other] = await toolMessages(h, 'agent:main:main');
    expect(JSON.parse(first!.content as string)).toMatchObject({ text: 'child could not go deeper' });
    expect(other).toMatchObject({ isError: true, content: expect.stringContaining('agent "other" is not allowed (tools-sessions spawn.allowAgents: [])') });
    expect(h.fake.requests).toHaveLength(5);
  });

  it("aborting the parent aborts its child", async () => {
    const h = await startAgent({ extra: ['tools-sessions'] });
    h.fake.script({ toolCall: { name: 'sessions_spawn', args: { task: 'take forever' } } }, { hang: true });
    const controller = new AbortController();
    const parent = h.agent.run({ sessionKey: 'agent:main:main', message: 'start', signal: controller.signal });
    const deadline = Date.now() + 5000;
    while (h.fake.requests.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(h.fake.requests).toHaveLength(2);
    controller.abort();
    await expect(parent).rejects.toMatchObject({ code: 'ABORTED' });
    const childKey = (await h.agent.listSessions('main')).map((s) => s.key).find((key) => key.includes(':subagent:'))!;
    const child = await h.agent.inspectSession(childKey);
    expect(child).toBeDefined();
    const traces = (await import('node:fs')).readFileSync((await import('node:path')).join(h.kernel.paths.stateDir, 'state', 'agents', 'main', 'sessions', `${encodeURIComponent(childKey)}.jsonl`), 'utf8');
    expect(traces).toContain('"status":"aborted"');
  });

  it('RPC sessions.spawn runs a task in a sub-agent session of the named agent and answers its reply', async () => {
    const h = await startAgent({ extra: ['tools-sessions'], agents: { list: [{ id: 'helper', model: 'fake/helper-model' }] } });
    h.fake.scriptFor('helper-model', { text: 'helper did it' });
    const client = await h.client();
    const answer = await client.request('sessions.spawn', { task: 'do it', agentId: 'helper' });
    expect(answer.payload).toMatchObject({ agentId: 'helper', sessionKey: expect.stringMatching(/^agent:helper:subagent:dm:rpc-/), text: 'helper did it' });
    const unknown = await client.request('sessions.spawn', { task: 'x', agentId: 'ghost' });
    expect(unknown.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('agent "ghost" is not configured') });
  });
});

