/** Pairing end to end: real kernel, real WS client, fake model provider, fake channel. */
import { describe, expect, it } from 'vitest';
import { startChannels } from './harness.ts';
import { waitFor } from '../agent/harness.ts';

describe('channels: pairing flow', () => {
  it('unknown sender gets a code; approval over RPC; the next message gets an agent reply on the same channel', async () => {
    const h = await startChannels();
    const admin = await h.client();
    const outcome = await h.channel.inject({ sender: 'alice', senderName: 'Alice', text: 'hello?' });
    expect(outcome.status).toBe('pairing');
    const code = (outcome as { code: string }).code;
    expect(code).toMatch(/^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}$/);
    const [codeMessage] = await h.channel.waitForSent(1);
    expect(codeMessage!.target.chatId).toBe('alice');
    expect(codeMessage!.text).toContain(code);
    expect(codeMessage!.text).toContain(`moltbot pairing approve fake ${code}`);
    expect(h.fake.requests).toHaveLength(0);
    const event = await waitFor(admin, (f) => f.event === 'pairing.requested');
    expect(event.payload).toMatchObject({ channel: 'fake', code, sender: 'alice', senderName: 'Alice' });

    // Asking again gives the same code, without another message (no spam through the bot).
    expect(await h.channel.inject({ sender: 'alice', text: 'hello again' })).toEqual({ status: 'pairing', code });
    await new Promise((r) => setTimeout(r, 20));
    expect(h.channel.sent).toHaveLength(1);

    const list = await admin.request('pairing.list', {});
    expect(list.payload.requests).toEqual([expect.objectContaining({ channel: 'fake', code, sender: 'alice' })]);
    const approved = await admin.request('pairing.approve', { channel: 'fake', code: code.toLowerCase() });
    expect(approved.ok).toBe(true);
    expect(approved.payload).toEqual({ sender: 'alice' });
    const sent = await h.channel.waitForSent(2);
    expect(sent[1]).toMatchObject({ target: { chatId: 'alice' }, text: expect.stringMatching(/approved/) });
    expect((await admin.request('pairing.approve', { channel: 'fake', code })).error?.code).toBe('NOT_FOUND');

    h.fake.script({ text: 'Hi Alice, how can I help?' });
    const accepted = await h.channel.inject({ sender: 'alice', text: 'what is up' });
    expect(accepted).toEqual({ status: 'accepted', sessionKey: 'agent:main:fake:dm:alice' });
    const replies = await h.channel.waitForSent(3);
    expect(replies[2]).toMatchObject({ target: { chatType: 'dm', chatId: 'alice' }, text: 'Hi Alice, how can I help?' });
    expect(h.channel.typing.length).toBeGreaterThan(0);
    const status = await admin.request('channels.status', {});
    expect(status.payload.channels).toEqual([expect.objectContaining({ id: 'fake', state: 'connected', inbound: { accepted: 1, dropped: 0, pairing: 2 }, outbound: { sent: 3, failed: 0, retried: 0 } })]);
  });
});
