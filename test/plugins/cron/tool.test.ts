/** The `cron` tool, called by the (fake) model during real agent runs. */
import { describe, expect, it } from 'vitest';
import { startCron } from './harness.ts';

const toolResults = (h: Awaited<ReturnType<typeof startCron>>) =>
  h.fake.requests.flatMap((r) => (r.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'tool').map((m) => m.content));

const JOB = { id: 'standup', cron: '0 9 * * 1-5', tz: 'Europe/Berlin', message: 'Prepare the stand-up notes' };

describe('cron tool', () => {
  it('the main session adds, lists and removes its own jobs', async () => {
    const h = await startCron({ extra: [['tool-policy', {}]] });
    h.fake.script({ toolCall: { name: 'cron', args: { action: 'add', job: JOB } } }, { text: 'scheduled' });
    await h.kernel.use('agent').run({ sessionKey: 'agent:main:main', message: 'remind me every weekday' });
    expect(h.fake.requests[0]!.body.tools.map((t: { function: { name: string } }) => t.function.name)).toContain('cron');
    expect(JSON.parse(toolResults(h)[0]!)).toMatchObject({ added: 'standup' });
    expect(h.cron.get('standup')).toMatchObject({ source: 'runtime', owner: 'agent:main:main', input: { session: 'agent:main:main' } });

    h.fake.script({ toolCall: { name: 'cron', args: { action: 'list' } } }, { text: 'listed' }, { toolCall: { name: 'cron', args: { action: 'remove', id: 'standup' } } }, { text: 'removed' });
    await h.kernel.use('agent').run({ sessionKey: 'agent:main:main', message: 'what is scheduled?' });
    await h.kernel.use('agent').run({ sessionKey: 'agent:main:main', message: 'drop it' });
    const results = toolResults(h);
    expect(JSON.parse(results.at(-2)!)).toEqual([expect.objectContaining({ id: 'standup', cron: '0 9 * * 1-5', runCount: 0 })]);
    expect(JSON.parse(results.at(-1)!)).toEqual({ removed: 'standup' });
    expect(h.cron.get('standup')).toBeUndefined();
  });

  it('is denied in a non-main session by default: not offered, and a call is refused', async () => {
    const h = await startCron({ extra: [['tool-policy', {}]] });
    h.fake.script({ toolCall: { name: 'cron', args: { action: 'add', job: JOB } } }, { text: 'tried' });
    await h.kernel.use('agent').run({ sessionKey: 'agent:main:telegram:dm:42', message: 'schedule something' });
    expect((h.fake.requests[0]!.body.tools ?? []).map((t: { function: { name: string } }) => t.function.name)).not.toContain('cron');
    expect(toolResults(h)[0]).toMatch(/^tool call denied: tool "cron" is denied in sandboxed sessions/);
    expect(h.cron.list()).toEqual([]);
  });

  it('without the tool-policy plugin it refuses non-main sessions itself', async () => {
    const h = await startCron();
    h.fake.script({ toolCall: { name: 'cron', args: { action: 'add', job: JOB } } }, { text: 'tried' });
    await h.kernel.use('agent').run({ sessionKey: 'agent:main:telegram:group:7', message: 'schedule something' });
    expect(toolResults(h)[0]).toBe('tool "cron" failed: cron: not available in a sandboxed session');
    expect(h.cron.list()).toEqual([]);
  });

  it('the tool cannot point a job at a webhook', async () => {
    const h = await startCron();
    h.fake.script({ toolCall: { name: 'cron', args: { action: 'add', job: { ...JOB, deliver: { webhook: 'http://169.254.169.254/latest' } } } } }, { text: 'tried' });
    await h.kernel.use('agent').run({ sessionKey: 'agent:main:main', message: 'post it somewhere' });
    expect(toolResults(h)[0]).toBe('tool "cron" failed: cron: webhook delivery is set by the operator (config or RPC), not by the cron tool');
    expect(h.cron.list()).toEqual([]);
  });

  it('a session cannot remove jobs it did not add (config or operator jobs)', async () => {
    const h = await startCron({ cron: { jobs: [{ id: 'ops', every: '1h', message: 'ops' }] } });
    await h.cron.add({ id: 'admin-job', every: '2h', message: 'x' });
    h.fake.script({ toolCall: { name: 'cron', args: { action: 'remove', id: 'admin-job' } } }, { text: 'tried' });
    await h.kernel.use('agent').run({ sessionKey: 'agent:main:main', message: 'remove it' });
    expect(toolResults(h)[0]).toBe('tool "cron" failed: cron: "admin-job" is not a job this session added');
    expect(h.cron.list().map((j) => j.id)).toEqual(['ops', 'admin-job']);
  });
});
