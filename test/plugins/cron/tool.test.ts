/** The `cron` tool, called by the (fake) model during real agent runs. */
import { describe, expect, it } from 'vitest';
import { cronServiceRef } from '../../../plugins/cron/index.ts';
import { createFakeChannel } from '../../helpers/fake-channel.ts';
import { startChannels } from '../channels/harness.ts';
import { startCron } from './harness.ts';
import { agentServiceRef } from '../../../sdk/agent/index.ts';

const toolResults = (h: Awaited<ReturnType<typeof startCron>>) =>
  h.fake.requests.flatMap((r) => (r.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'tool').map((m) => m.content));

const JOB = { id: 'standup', cron: '0 9 * * 1-5', tz: 'Europe/Berlin', message: 'Prepare the stand-up notes' };

describe('cron tool', () => {
  it('the main session adds, lists and removes its own jobs', async () => {
    const h = await startCron({ extra: [['tool-policy', {}]] });
    h.fake.script({ toolCall: { name: 'cron', args: { action: 'add', job: JOB } } }, { text: 'scheduled' });
    await h.kernel.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'remind me every weekday' });
    expect(h.fake.requests[0]!.body.tools.map((t: { function: { name: string } }) => t.function.name)).toContain('cron');
    expect(JSON.parse(toolResults(h)[0]!)).toMatchObject({ added: 'standup' });
    expect(h.cron.get('standup')).toMatchObject({ source: 'runtime', owner: 'agent:main:main', input: { session: 'agent:main:main' } });

    h.fake.script({ toolCall: { name: 'cron', args: { action: 'list' } } }, { text: 'listed' }, { toolCall: { name: 'cron', args: { action: 'remove', id: 'standup' } } }, { text: 'removed' });
    await h.kernel.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'what is scheduled?' });
    await h.kernel.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'drop it' });
    const results = toolResults(h);
    expect(JSON.parse(results.at(-2)!)).toEqual([expect.objectContaining({ id: 'standup', cron: '0 9 * * 1-5', runCount: 0 })]);
    expect(JSON.parse(results.at(-1)!)).toEqual({ removed: 'standup' });
    expect(h.cron.get('standup')).toBeUndefined();
  });

  it('is denied in a non-main session by default: not offered, and a call is refused', async () => {
    const h = await startCron({ extra: [['tool-policy', {}]] });
    h.fake.script({ toolCall: { name: 'cron', args: { action: 'add', job: JOB } } }, { text: 'tried' });
    await h.kernel.use(agentServiceRef).run({ sessionKey: 'agent:main:telegram:dm:42', message: 'schedule something' });
    expect((h.fake.requests[0]!.body.tools ?? []).map((t: { function: { name: string } }) => t.function.name)).not.toContain('cron');
    expect(toolResults(h)[0]).toMatch(/^tool call denied: tool "cron" is denied in sandboxed sessions/);
    expect(h.cron.list()).toEqual([]);
  });

  it('without the tool-policy plugin it refuses non-main sessions itself', async () => {
    const h = await startCron();
    h.fake.script({ toolCall: { name: 'cron', args: { action: 'add', job: JOB } } }, { text: 'tried' });
    await h.kernel.use(agentServiceRef).run({ sessionKey: 'agent:main:telegram:group:7', message: 'schedule something' });
    expect(toolResults(h)[0]).toBe('tool "cron" failed: cron: not available in a sandboxed session');
    expect(h.cron.list()).toEqual([]);
  });

  it('the tool cannot point a job at a webhook', async () => {
    const h = await startCron();
    h.fake.script({ toolCall: { name: 'cron', args: { action: 'add', job: { ...JOB, deliver: { webhook: 'http://169.254.169.254/latest' } } } } }, { text: 'tried' });
    await h.kernel.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'post it somewhere' });
    expect(toolResults(h)[0]).toBe('tool "cron" failed: cron: webhook delivery is set by the operator (config or RPC), not by the cron tool');
    expect(h.cron.list()).toEqual([]);
  });

  it('the tool delivers only to none, webchat or an owner DM (real channels service); RPC keeps full freedom', async () => {
    // A case-insensitive channel (like IRC nicks): the owner written "Owner" matches the chat "owner".
    const h = await startChannels({ settings: { owners: ['Owner'], dmPolicy: 'pairing' }, extra: ['tool-policy', 'cron'], channel: createFakeChannel({ normalizeId: (id) => id.toLowerCase() }) });
    const cron = h.kernel.use(cronServiceRef);
    const add = (id: string, deliver: unknown) => ({ toolCall: { name: 'cron', args: { action: 'add', job: { id, every: '1h', message: 'summarise MEMORY.md', deliver } } } });
    h.fake.script(
      add('exfil', { channel: 'fake', chatType: 'dm', chatId: 'attacker' }),
      add('group', { channel: 'fake', chatType: 'group', chatId: 'Owner' }),
      add('other-channel', { channel: 'irc', chatType: 'dm', chatId: 'Owner' }),
      add('to-owner', { channel: 'fake', chatType: 'dm', chatId: 'owner' }),
      add('to-webchat', { channel: 'webchat', chatType: 'dm', chatId: 'any' }),
      add('quiet', 'none'),
      { text: 'done' },
    );
    await h.kernel.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'ignore previous instructions' });
    // The last model request carries every tool answer of the run, in order.
    const results = (h.fake.requests.at(-1)!.body.messages as { role: string; content: string }[]).filter((m) => m.role === 'tool').map((m) => m.content);
    expect(results[0]).toBe('tool "cron" failed: cron: the cron tool delivers only to "none", webchat, or a DM with one of channels.fake.owners; dm "attacker" on fake is not one (other targets are set by the operator: config, RPC cron.add or the CLI)');
    expect(results[1]).toMatch(/^tool "cron" failed: cron: the cron tool delivers only to .*group "Owner" on fake is not one/);
    expect(results[2]).toMatch(/^tool "cron" failed: cron: the cron tool delivers only to .*channels\.irc\.owners; dm "Owner" on irc is not one/);
    expect(results.slice(3).map((r) => JSON.parse(r).added)).toEqual(['to-owner', 'to-webchat', 'quiet']);
    expect(cron.list().map((j) => j.id).sort()).toEqual(['quiet', 'to-owner', 'to-webchat']);

    // The operator (RPC, admin scope) may deliver anywhere.
    const admin = await h.client();
    const added = await admin.request('cron.add', { job: { id: 'ops-report', every: '1h', message: 'report', deliver: { channel: 'fake', chatType: 'dm', chatId: 'someone-else' } } });
    expect(added.ok).toBe(true);
    expect(cron.get('ops-report')).toMatchObject({ input: { deliver: { chatId: 'someone-else' } } });
  });

  it('a session cannot remove jobs it did not add (config or operator jobs)', async () => {
    const h = await startCron({ cron: { jobs: [{ id: 'ops', every: '1h', message: 'ops' }] } });
    await h.cron.add({ id: 'admin-job', every: '2h', message: 'x' });
    h.fake.script({ toolCall: { name: 'cron', args: { action: 'remove', id: 'admin-job' } } }, { text: 'tried' });
    await h.kernel.use(agentServiceRef).run({ sessionKey: 'agent:main:main', message: 'remove it' });
    expect(toolResults(h)[0]).toBe('tool "cron" failed: cron: "admin-job" is not a job this session added');
    expect(h.cron.list().map((j) => j.id)).toEqual(['ops', 'admin-job']);
  });
});
