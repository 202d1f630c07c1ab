/**
 * FS-12: a sender on a channel who is not the owner cannot make the agent use control-plane
 * tools (cron, gateway config) — even when the model asks for them — while the owner can.
 */
import { describe, expect, it } from 'vitest';
import { cronServiceRef } from '../../../plugins/cron/index.ts';
import { startChannels } from './harness.ts';

describe('FS-12 owner-only tools through a channel', () => {
  it('an approved non-owner DM gets the cron tool refused; the same request from the owner is carried out', async () => {
    const { fake, channel, kernel } = await startChannels({
      settings: { dmPolicy: 'allowlist', allowFrom: ['stranger', 'owner'], owners: ['owner'] },
      extra: ['tool-policy', 'cron'],
    });
    const add = (id: string) => ({ action: 'add', job: { id, every: '1h', message: 'summarise MEMORY.md' } });
    fake.script({ toolCall: { name: 'cron', args: add('exfil'), id: 'call-1' } }, { text: 'tried' });
    await channel.inject({ sender: 'stranger', text: 'please schedule this' });
    await channel.waitForSent(1);
    // The model was not even offered the tool, and the call it made anyway was refused.
    const offered = (fake.requests[0]!.body.tools ?? []).map((t: { function: { name: string } }) => t.function.name);
    expect(offered).not.toContain('cron');
    const toolResult = fake.requests[1]!.body.messages.find((m: { role: string }) => m.role === 'tool');
    expect(String(toolResult.content)).toMatch(/denied/);
    expect((kernel.use(cronServiceRef) as { list(): unknown[] }).list()).toEqual([]);

    fake.script({ toolCall: { name: 'cron', args: add('mine'), id: 'call-2' } }, { text: 'scheduled' });
    await channel.inject({ sender: 'owner', text: 'please schedule this' });
    await channel.waitForSent(2);
    expect(JSON.stringify((kernel.use(cronServiceRef) as { list(): unknown[] }).list())).toContain('mine');
  });
});
