/** The channels service in a real kernel: policies, pairing limits and persistence, chunking, reconnects, dedupe. */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import { createFakeChannel } from '../../helpers/fake-channel.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { startChannels } from './harness.ts';
import { channelsServiceRef } from '../../../sdk/channels/index.ts';

describe('channels service in a kernel', () => {
  it('a 4th pending sender expires the oldest request (logged at info, counted); approval survives a kernel restart (same state dir)', async () => {
    const stateDir = join(useTempDir().dir, 'state');
    const h = await startChannels({ env: { MOLTBOT_STATE_DIR: stateDir } });
    const codes: string[] = [];
    for (const sender of ['s1', 's2', 's3', 's4']) {
      const outcome = await h.channel.inject({ sender, text: 'hi' });
      expect(outcome.status).toBe('pairing');
      codes.push((outcome as { code: string }).code);
    }
    expect(new Set(codes).size).toBe(4);
    // s1 (the oldest) made room for s4: its code no longer approves anyone.
    expect(h.channels.pairing.list('fake').map((r) => r.sender)).toEqual(['s2', 's3', 's4']);
    await expect(h.channels.pairing.approve('fake', codes[0]!)).rejects.toThrow(/no pending pairing code/);
    expect(h.kernel.logs.some((l) => l.level === 30 && l.expired === 's1' && l.sender === 's4' && /oldest one expired/.test(String(l.msg)))).toBe(true);
    const figures: Record<string, number> = {};
    await h.kernel.hooks.collectMetrics.promise({ set: (name, value, labels) => { figures[`${name}${labels ? JSON.stringify(labels) : ''}`] = value; } });
    expect(figures['pairing_expired_for_new{"channel":"fake"}']).toBe(1);
    await h.channels.pairing.approve('fake', codes[1]!);
    expect(h.channels.pairing.approved('fake')).toEqual(['s2']);
    expect(h.channels.pairing.list('fake').map((r) => r.sender)).toEqual(['s3', 's4']);
    const file = join(stateDir, 'credentials', 'pairing', 'fake.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const status = h.channels.status()[0]!;
    expect(status.inbound).toEqual({ accepted: 0, dropped: 0, pairing: 4 });

    // A second kernel on the same state dir: s2 is still approved and gets an agent reply.
    await h.kernel.close();
    const channel = createFakeChannel();
    const again = await startChannels({ channel, env: { MOLTBOT_STATE_DIR: stateDir } });
    expect(again.channels.pairing.approved('fake')).toEqual(['s2']);
    expect(again.channels.pairing.list('fake').map((r) => r.sender)).toEqual(['s3', 's4']);
    again.fake.script({ text: 'welcome back' });
    expect(await channel.inject({ sender: 's2', text: 'hello' })).toMatchObject({ status: 'accepted' });
    expect((await channel.waitForSent(1))[0]!.text).toBe('welcome back');
  });

  it('allowlist, disabled and open(*) DMs', async () => {
    const allow = await startChannels({ settings: { dmPolicy: 'allowlist', allowFrom: ['friend'] } });
    expect(await allow.channel.inject({ sender: 'stranger', text: 'x' })).toEqual({ status: 'dropped', reason: 'not-allowlisted' });
    expect(await allow.channel.inject({ sender: 'friend', text: 'x' })).toEqual({ status: 'accepted', sessionKey: 'agent:main:fake:dm:friend' });
    expect((await allow.channel.waitForSent(1))[0]!.text).toBe('echo: x');
    expect(allow.channel.sent).toHaveLength(1);

    const off = await startChannels({ settings: { dmPolicy: 'disabled', owners: ['me'] } });
    expect(await off.channel.inject({ sender: 'me', text: 'x' })).toEqual({ status: 'dropped', reason: 'dm-disabled' });

    const open = await startChannels({ settings: { dmPolicy: 'open', allowFrom: ['*'], owners: ['me'] } });
    expect(await open.channel.inject({ sender: 'anyone', text: 'x' })).toMatchObject({ status: 'accepted' });
    expect(await open.channel.inject({ sender: 'me', text: 'y' })).toEqual({ status: 'accepted', sessionKey: 'agent:main:main' });
    await open.channel.waitForSent(2);
    expect(open.fake.requests).toHaveLength(2);
  });

  it('groups: allowlist and mention gating; the sender is named to the agent', async () => {
    const h = await startChannels({ settings: { groupAllowFrom: ['room1'] } });
    expect(await h.channel.inject({ sender: 'bob', chatType: 'group', chatId: 'room2', mentioned: true, text: 'x' })).toEqual({ status: 'dropped', reason: 'group-not-allowlisted' });
    expect(await h.channel.inject({ sender: 'bob', chatType: 'group', chatId: 'room1', text: 'chatter' })).toEqual({ status: 'dropped', reason: 'not-mentioned' });
    expect(await h.channel.inject({ sender: 'bob', senderName: 'Bob', chatType: 'group', chatId: 'room1', mentioned: true, text: 'bot, hi' }))
      .toEqual({ status: 'accepted', sessionKey: 'agent:main:fake:group:room1' });
    const [reply] = await h.channel.waitForSent(1);
    expect(reply).toMatchObject({ target: { chatType: 'group', chatId: 'room1' }, text: 'echo: Bob: bot, hi' });
    expect(h.channels.status()[0]!.inbound).toEqual({ accepted: 1, dropped: 2, pairing: 0 });
  });

  it('a long reply is chunked at boundaries within the limit', async () => {
    const h = await startChannels({ maxMessageLength: 60, settings: { dmPolicy: 'open', allowFrom: ['*'] } });
    const reply = 'First paragraph is short.\n\nSecond paragraph has two sentences. It goes on for a while longer than the limit allows.\nA last line.';
    h.fake.script({ text: reply });
    await h.channel.inject({ sender: 'u', text: 'tell me' });
    await h.channel.waitForSent(4);
    const texts = h.channel.sent.map((s) => s.text);
    expect(texts).toEqual([
      'First paragraph is short.',
      'Second paragraph has two sentences.',
      'It goes on for a while longer than the limit allows.',
      'A last line.',
    ]);
    expect(texts.every((t) => t.length <= 60)).toBe(true);
  });

  it('adapter down → replies queue → back up → delivered in order, none lost', async () => {
    const h = await startChannels({ settings: { dmPolicy: 'open', allowFrom: ['*'] } });
    h.channel.down();
    expect(h.channels.status()[0]!.state).toBe('degraded');
    for (const text of ['m1', 'm2', 'm3']) await h.channel.inject({ sender: 'u', text });
    await h.channel.inject({ sender: 'v', text: 'other chat' });
    // Wait until every run finished and its reply sits in the queue.
    for (let i = 0; i < 400 && h.channels.status()[0]!.queue.pending < 4; i++) await new Promise((r) => setTimeout(r, 5));
    expect(h.channels.status()[0]!.queue.pending).toBe(4);
    expect(h.channel.sent).toHaveLength(0);
    h.channel.up();
    await h.channel.waitForSent(4);
    expect(h.channel.sent.filter((s) => s.target.chatId === 'u').map((s) => s.text)).toEqual(['echo: m1', 'echo: m2', 'echo: m3']);
    expect(h.channel.sent.filter((s) => s.target.chatId === 'v').map((s) => s.text)).toEqual(['echo: other chat']);
    expect(h.channels.status()[0]).toMatchObject({ state: 'connected', queue: { pending: 0 }, outbound: { sent: 4, failed: 0 } });
  });

  it('a repeated messageId is processed once', async () => {
    const h = await startChannels({ settings: { dmPolicy: 'open', allowFrom: ['*'] } });
    expect(await h.channel.inject({ sender: 'u', text: 'once', messageId: 'm-1' })).toMatchObject({ status: 'accepted' });
    expect(await h.channel.inject({ sender: 'u', text: 'once', messageId: 'm-1' })).toEqual({ status: 'duplicate' });
    expect(await h.channel.inject({ sender: 'u', text: '   ' })).toEqual({ status: 'dropped', reason: 'empty' });
    expect(await h.channel.inject({ sender: 'u', text: 'x'.repeat(200_001) })).toEqual({ status: 'dropped', reason: 'too-long' });
    expect(await h.channel.host().receive({ sender: '', chatType: 'dm', chatId: 'x', text: 'y' } as never)).toEqual({ status: 'dropped', reason: 'invalid' });
    await h.channel.waitForSent(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(h.fake.requests).toHaveLength(1);
    expect(h.channel.sent).toHaveLength(1);
  });

  it('a failed run sends a short, secret-free error line; messageReceived can drop', async () => {
    const h = await startChannels({ settings: { dmPolicy: 'open', allowFrom: ['*'] } });
    h.fake.script({ status: 400, message: 'upstream said secret-key-123 is bad' });
    await h.channel.inject({ sender: 'u', text: 'hi' });
    const [line] = await h.channel.waitForSent(1);
    expect(line!.text).toMatch(/^Sorry, I could not answer that( \([A-Z_]+\))?\. Please try again later\.$/);
    expect(line!.text).not.toContain('secret');
  });

  it('works without a gateway; send() to an unknown channel names the registered ones', async () => {
    const channel = createFakeChannel({ id: 'solo' });
    const kernel = await createTestKernel({ config: { plugins: ['channels', channel.plugin] } });
    const channels = kernel.use(channelsServiceRef);
    await channels.send('solo', { chatType: 'dm', chatId: 'x' }, 'cron result');
    expect(channel.sent.map((s) => s.text)).toEqual(['cron result']);
    await expect(channels.send('nope', { chatType: 'dm', chatId: 'x' }, 'y')).rejects.toThrow('No channel "nope" is registered (registered: solo)');
    expect(await channel.inject({ sender: 'a', text: 'x', chatType: 'dm', chatId: 'a' })).toMatchObject({ status: 'pairing' });
  });
});

describe('channels service on close', () => {
  it('a reply queued while the platform is down does not hold up close; it is reported undelivered', async () => {
    const h = await startChannels({ settings: { dmPolicy: 'open', allowFrom: ['*'] } });
    h.channel.down();
    h.fake.script({ text: 'private reply text' });
    await h.channel.inject({ sender: 'u', text: 'hi' });
    for (let i = 0; i < 400 && h.channels.status()[0]!.queue.pending < 1; i++) await new Promise((r) => setTimeout(r, 5));
    const logs = h.kernel.logs;
    // Rejects (drain timeout) if the queued reply held up close.
    await h.kernel.close();
    const line = logs.find((l) => l.msg === 'channel closed with undelivered messages');
    expect(line).toMatchObject({ level: 40, channel: 'fake', undelivered: 1, chats: ['u'] });
    expect(logs.filter((l) => l.level >= 30).map((l) => JSON.stringify(l)).join('\n')).not.toContain('private reply text');
    expect(h.channel.sent).toHaveLength(0);
  });
});
