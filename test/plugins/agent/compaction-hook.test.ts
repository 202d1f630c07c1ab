/**
 * agent.beforeCompaction: a tap gets the context about to be folded and one silent turn
 * (`flush`) offering only the tools it names; nothing of the turn is persisted.
 */
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { getAgentHooks, type BeforeCompaction } from '../../../plugins/agent/index.ts';
import type { ToolRegistry } from '../../../sdk/agent/tool-registry.ts';
import { chat, startAgent } from './harness.ts';

describe('agent.beforeCompaction', () => {
  it('runs a silent flush turn with only the offered tools before the summary', async () => {
    const seen: { messages: number; reply: string; calls: unknown[] } = { messages: 0, reply: '', calls: [] };
    const probe = definePlugin({
      name: 'flush-probe', version: '1.0.0', dependencies: ['agent'],
      setup(ctx) {
        const tools = ctx.use('tools') as ToolRegistry;
        ctx.onClose(tools.register({ name: 'probe_note', description: 'note', parameters: { type: 'object' }, handler: (args) => { seen.calls.push(args); return 'noted'; } }));
        ctx.onClose(tools.register({ name: 'probe_other', description: 'other', parameters: { type: 'object' }, handler: () => { throw new Error('must not run'); } }));
        getAgentHooks(ctx).beforeCompaction.tapPromise(ctx.name, async (event: BeforeCompaction) => {
          seen.messages = event.messages.length;
          seen.reply = await event.flush({ instruction: 'FLUSH NOW', tools: ['probe_note'] });
        });
      },
    });
    const h = await startAgent({ agent: { contextTokens: 1000, compactAt: 0.5, keepMessages: 2 }, extra: [probe] });
    const client = await h.client();
    const long = 'x'.repeat(600);
    await chat(client, `first ${long}`);
    await chat(client, `second ${long}`);
    const before = h.fake.requests.length;
    h.fake.script(
      { toolCall: { name: 'probe_note', args: { fact: 'a' } } },
      { toolCall: { name: 'probe_other', args: {} } },
      { text: 'NO_REPLY' },
      { text: 'SUMMARY' },
    );
    const { final } = await chat(client, 'third');
    expect(final.payload).toMatchObject({ status: 'ok', text: 'echo: third' });
    // Two earlier turns plus the new user message.
    expect(seen).toEqual({ messages: 5, reply: 'NO_REPLY', calls: [{ fact: 'a' }] });
    const bodies = h.fake.requests.slice(before).map((r) => r.body);
    expect(bodies).toHaveLength(5);
    expect(bodies[0].messages.at(-1).content).toBe('FLUSH NOW');
    expect(bodies[0].tools.map((t: any) => t.function.name)).toEqual(['probe_note']);
    expect(bodies[2].messages.at(-1).content).toBe('tool "probe_other" is not offered in this turn');
    expect(bodies[3].messages.at(-1).content).toMatch(/^Summarize the conversation above/);
    expect(JSON.stringify(bodies[4].messages)).not.toContain('FLUSH NOW');
    expect((await h.agent.history('agent:main:main')).map((m) => m.content)).not.toContain('NO_REPLY');
    const trace = await h.agent.trace(final.payload.runId as string);
    expect(trace?.events.filter((e) => e.type === 'compaction').map((e) => e.phase ?? 'fold')).toEqual(['flush', 'fold']);
  });
});
