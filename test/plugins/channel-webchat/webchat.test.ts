/** channel-webchat: channels.send('webchat') reaches real, authenticated WS clients as chat.message. */
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import { connectClient, openClient, startGateway } from '../gateway/helpers.ts';
import { chat, waitFor } from '../agent/harness.ts';
import { startChannels } from '../channels/harness.ts';
import { channelsServiceRef } from '../../../sdk/channels/index.ts';

describe('channel-webchat', () => {
  it('is connected while the gateway listens; delivers to every authenticated client, or to one connection by id', async () => {
    const h = await startGateway({ extra: ['channels', 'channel-webchat'] });
    const channels = h.kernel.use(channelsServiceRef);
    expect(channels.status()).toEqual([expect.objectContaining({ id: 'webchat', state: 'connected' })]);
    const a = await connectClient(h.url);
    const b = await connectClient(h.url);
    const anonymous = openClient(h.url);
    await anonymous.opened;

    await channels.send('webchat', { chatType: 'dm', chatId: 'owner' }, 'Daily report: all good');
    for (const client of [a, b]) {
      const event = await waitFor(client, (f) => f.event === 'chat.message');
      expect(event.payload).toMatchObject({ channel: 'webchat', chatId: 'owner', text: 'Daily report: all good' });
    }
    expect(anonymous.frames.some((f) => f.event === 'chat.message')).toBe(false);

    const connId = (a.frames.find((f) => f.payload?.type === 'hello-ok')!.payload.server.connId) as string;
    await channels.send('webchat', { chatType: 'dm', chatId: connId }, 'just for a');
    await waitFor(a, (f) => f.event === 'chat.message' && f.payload.text === 'just for a');
    await new Promise((r) => setTimeout(r, 30));
    expect(b.frames.some((f) => f.event === 'chat.message' && f.payload.text === 'just for a')).toBe(false);
    expect(channels.status()[0]!.outbound).toEqual({ sent: 2, failed: 0, retried: 0 });

    const status = await a.request('channels.status', {});
    expect(status.payload.channels[0]).toMatchObject({ id: 'webchat', state: 'connected' });
  });

  it('channels.webchat.enabled false: loaded but not started, sends refused', async () => {
    const kernel = await createTestKernel({ config: { channels: { webchat: { enabled: false } }, plugins: ['channels', 'channel-webchat'] } });
    const channels = kernel.use(channelsServiceRef);
    expect(channels.status()[0]).toMatchObject({ id: 'webchat', state: 'stopped' });
    await expect(channels.send('webchat', { chatType: 'dm', chatId: 'owner' }, 'x')).rejects.toThrow('Channel "webchat" is disabled (channels.webchat.enabled is false)');
  });

  it('without a gateway it reports degraded and holds messages', async () => {
    const kernel = await createTestKernel({ config: { plugins: ['channels', 'channel-webchat'] } });
    const channels = kernel.use(channelsServiceRef);
    expect(channels.status()[0]).toMatchObject({ id: 'webchat', state: 'degraded', lastError: { message: expect.stringContaining('no gateway') } });
    const pending = channels.send('webchat', { chatType: 'dm', chatId: 'owner' }, 'held');
    pending.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    expect(channels.status()[0]!.queue.pending).toBe(1);
    await kernel.close();
    await expect(pending).rejects.toThrow('channel "webchat" closed before the message was delivered');
    expect(kernel.logs.some((l) => l.msg === 'channel closed with undelivered messages' && l.undelivered === 1 && l.level === 40)).toBe(true);
    expect(JSON.stringify(kernel.logs)).not.toContain('"held"');
  });
});

describe('channel-webchat with the agent', () => {
  it('an authenticated client is the owner: chat.send goes to the main session, no pairing', async () => {
    const h = await startChannels({ extra: ['channel-webchat'] });
    const client = await h.client();
    h.fake.script({ text: 'hello owner' });
    const { final } = await chat(client, 'hi from the control UI');
    expect(final.payload).toMatchObject({ sessionKey: 'agent:main:main', status: 'ok', text: 'hello owner' });
    expect(h.channels.pairing.list()).toEqual([]);
    expect(h.channels.status().map((s) => [s.id, s.state])).toEqual([['fake', 'connected'], ['webchat', 'connected']]);
  });
});
