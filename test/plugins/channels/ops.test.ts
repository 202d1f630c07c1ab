/** Hooks and ops surfaces: messageReceived/messageSending taps, metrics, doctor, audit, status events. */
import { describe, expect, it } from 'vitest';
import type { Check } from '../../../core/hook-types.ts';
import { definePlugin } from '../../../core/plugin.ts';
import { waitFor } from '../agent/harness.ts';
import { startChannels } from './harness.ts';

const OPEN = { dmPolicy: 'open', allowFrom: ['*'] };

describe('channels: hooks and ops', () => {
  it('a messageReceived bail drops (counted); messageSending rewrites; messageSent sees the final text', async () => {
    const sentTexts: string[] = [];
    const policy = definePlugin({
      name: 'test-policy', version: '1.0.0',
      setup(ctx) {
        ctx.hooks.messageReceived.tapPromise(ctx.name, async (m) => {
          if (m.text === 'boom') throw new Error('policy backend down');
          return m.text.includes('spam') ? { drop: true, reason: 'spam' } : undefined;
        });
        ctx.hooks.messageSending.tapPromise(ctx.name, async (m) => ({ ...m, text: `${m.text} [signed]` }));
        ctx.hooks.messageSent.tapPromise(ctx.name, async (m) => void sentTexts.push(m.text));
      },
    });
    const h = await startChannels({ settings: OPEN, extra: [policy] });
    expect(await h.channel.inject({ sender: 'u', text: 'buy spam' })).toEqual({ status: 'dropped', reason: 'hook:spam' });
    expect(await h.channel.inject({ sender: 'u', text: 'boom' })).toEqual({ status: 'dropped', reason: 'hook-error' });
    await h.channel.inject({ sender: 'u', text: 'hello' });
    expect((await h.channel.waitForSent(1))[0]!.text).toBe('echo: hello [signed]');
    for (let i = 0; i < 100 && sentTexts.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(sentTexts).toEqual(['echo: hello [signed]']);
    expect(h.fake.requests).toHaveLength(1);
  });

  it('metrics per channel, doctor check of a degraded channel, status events to admin clients', async () => {
    const h = await startChannels({ settings: { ...OPEN, groupPolicy: 'open', requireMention: false } });
    const admin = await h.client();
    await h.channel.inject({ sender: 'u', text: 'x' });
    await h.channel.inject({ sender: 'u', chatType: 'group', chatId: 'g', text: 'y', messageId: 'same' });
    await h.channel.inject({ sender: 'u', chatType: 'group', chatId: 'g', text: 'y', messageId: 'same' });
    await h.channel.waitForSent(2);
    const figures: Record<string, number> = {};
    await h.kernel.hooks.collectMetrics.promise({ set: (name, value, labels) => { figures[`${name}${labels ? JSON.stringify(labels) : ''}`] = value; } });
    expect(figures).toMatchObject({
      'inbound_accepted{"channel":"fake"}': 2,
      'inbound_dropped{"channel":"fake","reason":"duplicate"}': 1,
      'outbound_sent{"channel":"fake"}': 2,
      'queue_depth{"channel":"fake"}': 0,
      'state{"channel":"fake","state":"connected"}': 1,
      'state{"channel":"fake","state":"degraded"}': 0,
    });

    h.channel.down('network unreachable');
    const event = await waitFor(admin, (f) => f.event === 'channels.status' && f.payload.state === 'degraded');
    expect(event.payload).toMatchObject({ id: 'fake', lastError: { message: 'network unreachable' } });
    const checks: Check[] = [];
    await h.kernel.hooks.diagnose.promise({ add: (check) => void checks.push(check) });
    expect(checks.find((c) => c.id === 'channels.fake.state')).toMatchObject({ severity: 'warning', title: 'Channel fake is degraded', description: expect.stringContaining('network unreachable') });

    const findings: Check[] = [];
    await h.kernel.hooks.audit.promise({ add: (check) => void findings.push(check) });
    expect(findings.map((f) => `${f.id}:${f.severity}`)).toContain('channels.fake.group.open_without_mention:warning');
  });

  it('lastError never carries a secret of the config (RPC channels.status)', async () => {
    const canary = 'tok-CANARY-5551234-abc';
    const h = await startChannels({ settings: { botToken: canary, nickservPassword: 'pw-CANARY-777' } });
    const admin = await h.client();
    h.channel.down(`GET https://api.example.test/bot${canary}/getMe failed; auth pw-CANARY-777`);
    const status = await admin.request('channels.status', {});
    const message = status.payload.channels[0].lastError.message as string;
    expect(message).toContain('[REDACTED]');
    expect(message).not.toContain('CANARY');
  });
});
