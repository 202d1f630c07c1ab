/** Tool loop, queue limit, serialization, timeouts, sessions/runs RPC. */
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { chat, startAgent, waitFor } from './harness.ts';
import { toolRegistryRef } from '../../../sdk/agent/index.ts';

const toolPlugin = (seen: unknown[]) => definePlugin({
  name: 'test-tools',
  version: '1.0.0',
  dependencies: ['agent'],
  setup(ctx) {
    ctx.use(toolRegistryRef).register({
      name: 'add',
      description: 'adds two numbers',
      parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
      handler: (args: { a: number; b: number }) => {
        seen.push(args);
        return { sum: args.a + args.b };
      },
    });
    ctx.hooks.beforeToolCall.tapPromise(ctx.name, async (call) => {
      if ((call.args as { a: number }).a === 666) return { deny: 'no devilry' };
      if ((call.args as { a: number }).a === 7) return { rewrite: { a: 70, b: 1 } };
      return undefined;
    });
    ctx.hooks.afterToolCall.tapPromise(ctx.name, async (result) => (typeof result.output === 'object' ? { ...result, output: { ...(result.output as object), checked: true } } : result));
  },
});

describe('runs', () => {
  it('runs the tool loop through beforeToolCall/afterToolCall and feeds results back', async () => {
    const seen: unknown[] = [];
    const h = await startAgent({ extra: [toolPlugin(seen)] });
    h.fake.script({ toolCall: { name: 'add', args: { a: 2, b: 3 }, id: 'call_1' } }, { text: 'The sum is 5' });
    const client = await h.client();
    const { final } = await chat(client, 'what is 2+3?');
    expect(final.payload).toMatchObject({ status: 'ok', text: 'The sum is 5' });
    expect(seen).toEqual([{ a: 2, b: 3 }]);
    expect(h.fake.requests[0]!.body.tools[0].function.name).toBe('add');
    const second = h.fake.requests[1]!.body.messages;
    expect(second.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_1', function: { name: 'add' } }] });
    expect(second.at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_1', content: '{"sum":5,"checked":true}' });
    const trace = (await client.request('runs.trace', { runId: final.payload.runId })).payload;
    expect(trace.events.map((e: any) => e.type)).toEqual(['run.start', 'model.start', 'model.end', 'tool.start', 'tool.end', 'model.start', 'model.end', 'run.end']);
    expect(trace.toolExecutionTime).toBeGreaterThan(0);
    expect(trace.modelCallTime).toBeGreaterThan(0);
    expect(trace.totalDuration).toBeGreaterThanOrEqual(trace.modelCallTime + trace.toolExecutionTime);
    expect(trace.tokenUsage.input).toBeGreaterThan(0);
  });

  it('tool calls over Anthropic use tool_use / tool_result blocks', async () => {
    const seen: unknown[] = [];
    const h = await startAgent({ agent: { model: 'anth/claude' }, extra: [toolPlugin(seen)] });
    h.fake.script({ toolCall: { name: 'add', args: { a: 7, b: 0 }, id: 'toolu_1' } }, { text: 'done' });
    const client = await h.client();
    const { final } = await chat(client, 'add');
    expect(final.payload.text).toBe('done');
    expect(seen).toEqual([{ a: 70, b: 1 }]);
    const messages = h.fake.requests[1]!.body.messages;
    expect(messages.at(-1)).toEqual({ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '{"sum":71,"checked":true}' }] });
  });

  it('a denied tool call reaches the model as an error result', async () => {
    const seen: unknown[] = [];
    const h = await startAgent({ extra: [toolPlugin(seen)] });
    h.fake.script({ toolCall: { name: 'add', args: { a: 666, b: 1 }, id: 'c1' } }, { text: 'ok' });
    const client = await h.client();
    await chat(client, 'x');
    expect(seen).toEqual([]);
    expect(h.fake.requests[1]!.body.messages.at(-1).content).toContain('tool call denied: no devilry');
  });

  it('stops a model that keeps calling tools after agent.maxToolIterations', async () => {
    const h = await startAgent({ agent: { maxToolIterations: 2 }, extra: [toolPlugin([])] });
    for (let i = 0; i < 3; i++) h.fake.script({ toolCall: { name: 'add', args: { a: 1, b: i }, id: `c${i}` } });
    const client = await h.client();
    const { final } = await chat(client, 'loop');
    expect(final.payload.error).toMatchObject({ code: 'TOOL_LOOP_LIMIT' });
    expect(h.fake.requests).toHaveLength(2);
  });

  it('refuses with BUSY beyond maxConcurrentRuns + maxQueuedRuns, and serializes one session', async () => {
    const h = await startAgent({ agents: { maxConcurrentRuns: 1, maxQueuedRuns: 1 } });
    h.fake.script({ text: 'slow', delayMs: 200 });
    const client = await h.client();
    const first = await client.request('chat.send', { message: 'a' });
    expect(first.ok).toBe(true);
    // Second waits in the queue (its answer comes once it starts); the third is refused at once.
    const second = client.request('chat.send', { message: 'b', sessionKey: 'agent:main:webchat:dm:bob' });
    await new Promise((r) => setTimeout(r, 20));
    const third = await client.request('chat.send', { message: 'c', sessionKey: 'agent:main:webchat:dm:carol' });
    expect(third.error).toMatchObject({ code: 'BUSY' });
    expect(third.error!.message).toMatchInlineSnapshot(`"the agent is busy: 1 runs active and 1 queued (agents.maxConcurrentRuns / agents.maxQueuedRuns)"`);
    expect(third.error!.retryAfterMs).toBeGreaterThan(0);
    expect((await second).ok).toBe(true);
    await waitFor(client, (f) => f.event === 'chat.final' && f.payload.runId === (first.payload.runId));
  });

  it('runs of one session never overlap', async () => {
    const h = await startAgent({ agents: { maxConcurrentRuns: 4 } });
    h.fake.script({ text: 'one', delayMs: 80 }, { text: 'two' });
    const [a, b] = await Promise.all([h.agent.run({ sessionKey: 'agent:main:main', message: 'first' }), h.agent.run({ sessionKey: 'agent:main:main', message: 'second' })]);
    expect([a.text, b.text]).toEqual(['one', 'two']);
    const history = await h.agent.history('agent:main:main');
    expect(history.map((m) => m.content)).toEqual(['first', 'one', 'second', 'two']);
  });

  it('fails a run longer than agent.requestTimeout with TIMEOUT', async () => {
    const h = await startAgent({ agent: { requestTimeout: 200, attemptTimeout: 5000 } });
    h.fake.script({ hang: true });
    await expect(h.agent.run({ sessionKey: 'agent:main:main', message: 'x' })).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('sessions.list / sessions.inspect / sessions.history / models.status usage', async () => {
    const h = await startAgent();
    const client = await h.client();
    await chat(client, 'hello');
    await chat(client, 'dm', 'agent:main:telegram:dm:42');
    const list = (await client.request('sessions.list', {})).payload.sessions;
    expect(list.map((s: any) => s.key).sort()).toEqual(['agent:main:main', 'agent:main:telegram:dm:42']);
    const inspect = (await client.request('sessions.inspect', { sessionKey: 'agent:main:main' })).payload;
    expect(inspect).toMatchObject({ key: 'agent:main:main', agentId: 'main', messageCount: 2 });
    expect(inspect.size).toBeGreaterThan(0);
    expect(inspect.lastModified).toBeGreaterThan(0);
    expect(inspect.tokenCount.input).toBeGreaterThan(0);
    expect(inspect.metadata.lastModel).toBe('fake/primary');
    expect(inspect.file).toBeUndefined();
    const missing = await client.request('sessions.inspect', { sessionKey: 'agent:main:web:dm:nobody' });
    expect(missing.error).toMatchObject({ code: 'NOT_FOUND' });
    const history = (await client.request('sessions.history', { sessionKey: 'agent:main:telegram:dm:42' })).payload.messages;
    expect(history.map((m: any) => m.role)).toEqual(['user', 'assistant']);
    const status = (await client.request('models.status', {})).payload;
    expect(status.usage.runs).toBe(2);
    expect(status.usage.tokens.output).toBeGreaterThan(0);
  });

  it('compacts before the context limit: older turns summarized, recent kept, transcript intact', async () => {
    const h = await startAgent({ agent: { contextTokens: 1000, compactAt: 0.5, keepMessages: 2 } });
    const client = await h.client();
    const long = 'x'.repeat(600);
    await chat(client, `first ${long}`);
    await chat(client, `second ${long}`);
    // The third run's prompt (~900 tokens estimated) is over 0.5 × 1000: summarize first.
    h.fake.script({ text: 'SUMMARY of first and second' });
    const { final } = await chat(client, 'third');
    expect(final.payload).toMatchObject({ status: 'ok', text: 'echo: third' });
    const summaryRequest = h.fake.requests.at(-2)!.body;
    expect(summaryRequest.tools).toBeUndefined();
    expect(summaryRequest.messages.at(-1).content).toMatch(/^Summarize the conversation above/);
    const sent = h.fake.requests.at(-1)!.body.messages.map((m: any) => m.content.slice(0, 20));
    expect(sent).toEqual(['[Summary of the earl', `second ${'x'.repeat(13)}`, `echo: second ${'x'.repeat(7)}`, 'third']);
    // The transcript keeps every original line; history shows them all.
    expect((await h.agent.history('agent:main:main')).map((m) => m.content.slice(0, 5))).toEqual(['first', 'echo:', 'secon', 'echo:', 'third', 'echo:']);
    const info = (await client.request('sessions.inspect', { sessionKey: 'agent:main:main' })).payload;
    expect(info.metadata.compactions).toBe(1);
  });
});
