/** Telegram end to end over long polling: fake Bot API, real channels service, fake model provider. */
import { describe, expect, it } from 'vitest';
import { ALICE, BOB, GROUP, startTelegram, until } from './harness.ts';
import { agentServiceRef } from '../../../sdk/agent/index.ts';

const codeIn = (text: string) => /pairing code is ([A-Z0-9]{8})/.exec(text)?.[1];

describe('channel-telegram: polling', () => {
  it('unknown user gets a pairing code; after approval the next message gets the agent reply in the same chat', async () => {
    const h = await startTelegram();
    await h.tg.message(ALICE, '/start');
    const [codeMessage] = await h.tg.waitForSent(1);
    expect(codeMessage!.chatId).toBe('42');
    const code = codeIn(codeMessage!.text);
    expect(code).toBeDefined();
    expect(codeMessage!.text).toContain(`moltbot pairing approve telegram ${code}`);
    expect(h.fake.requests).toHaveLength(0);
    expect(h.channels.pairing.list('telegram')).toEqual([expect.objectContaining({ sender: '42', senderName: 'Alice', code })]);

    // The owner approves over the gateway, as `moltbot pairing approve telegram <code>` does.
    const admin = await h.client();
    const approval = await admin.request('pairing.approve', { channel: 'telegram', code });
    expect(approval).toMatchObject({ ok: true, payload: { sender: '42' } });
    const [, approved] = await h.tg.waitForSent(2);
    expect(approved).toMatchObject({ chatId: '42', text: expect.stringMatching(/approved/) });

    h.fake.script({ text: 'Hi Alice, how can I help?' });
    const update = await h.tg.message(ALICE, 'what is up');
    const [, , reply] = await h.tg.waitForSent(3);
    expect(reply).toMatchObject({ chatId: '42', text: 'Hi Alice, how can I help?', replyTo: update.message!.message_id });
    expect(h.fake.requests).toHaveLength(1);
    expect(h.tg.actions).toContainEqual({ chatId: '42', action: 'typing' });
    expect((await h.kernel.use(agentServiceRef).history('agent:main:telegram:dm:42')).map((m) => m.content)).toEqual(['what is up', 'Hi Alice, how can I help?']);
    // Long polls with a timeout, each confirming what came before.
    const polls = h.tg.calls.filter((c) => c.method === 'getUpdates');
    expect(polls[0]!.params).toMatchObject({ timeout: 5, allowed_updates: ['message'] });
    expect(polls.at(-1)!.params.offset).toBe(update.update_id + 1);
    await until(() => h.status().outbound.sent === 3, 'the service to count the sends');
    expect(h.status()).toMatchObject({ state: 'connected', inbound: { accepted: 1, pairing: 1, dropped: 0 }, outbound: { sent: 3, failed: 0 } });
  });

  it('allowlist answers allowFrom (tg: prefix accepted) and drops everyone else; disabled answers nobody', async () => {
    const h = await startTelegram({ settings: { dmPolicy: 'allowlist', allowFrom: ['tg:42', '@bob'] } });
    // Usernames cannot match the numeric ids Telegram sends: said at start.
    expect(h.kernel.logs.find((l) => /"@username" entries never match/.test(l.msg ?? ''))).toMatchObject({ entries: ['@bob'] });
    await h.tg.message(BOB, 'let me in');
    await h.tg.message(ALICE, 'hello');
    const sent = await h.tg.waitForSent(1);
    expect(sent[0]).toMatchObject({ chatId: '42', text: 'echo: hello' });
    expect(h.status().inbound).toEqual({ accepted: 1, dropped: 1, pairing: 0 });
    expect(h.tg.sent.filter((m) => m.chatId === '43')).toEqual([]);

    const off = await startTelegram({ settings: { dmPolicy: 'disabled', allowFrom: ['42'] } });
    await off.tg.message(ALICE, 'hello?');
    await until(() => off.status().inbound.dropped === 1, 'the dm to be dropped');
    expect(off.status().inbound).toEqual({ accepted: 0, dropped: 1, pairing: 0 });
    expect(off.tg.sent).toEqual([]);
    expect(off.fake.requests).toEqual([]);
  });

  it('in an allowed group, a message without a mention is ignored and one naming @bot is answered in the group', async () => {
    const h = await startTelegram({ settings: { groupPolicy: 'allowlist', groupAllowFrom: [String(GROUP.id)] } });
    await h.tg.message(ALICE, 'talking among ourselves', { chat: GROUP });
    const text = `@${h.tg.bot.username} what is 2+2?`;
    const mention = await h.tg.message(ALICE, text, { chat: GROUP, entities: [{ type: 'mention', offset: 0, length: h.tg.bot.username!.length + 1 }] });
    const [reply] = await h.tg.waitForSent(1);
    expect(reply).toMatchObject({ chatId: String(GROUP.id), text: 'echo: Alice: what is 2+2?', replyTo: mention.message!.message_id });
    expect(h.fake.requests).toHaveLength(1);
    expect(h.status().inbound).toEqual({ accepted: 1, dropped: 1, pairing: 0 });
    expect(await h.kernel.use(agentServiceRef).history(`agent:main:telegram:group:${GROUP.id}`)).toHaveLength(2);

    // The group becomes a supergroup with a new id: the operator is told which id to allow.
    await h.tg.pushUpdate({ message: { message_id: 99, date: 1, chat: { id: -5, type: 'group' }, from: { ...ALICE, is_bot: false }, migrate_to_chat_id: GROUP.id - 1 } });
    await until(() => h.kernel.logs.some((l) => /became a supergroup/.test(l.msg ?? '')), 'the migration warning');
    expect(h.kernel.logs.find((l) => /became a supergroup/.test(l.msg ?? ''))).toMatchObject({ from: -5, to: GROUP.id - 1 });
  });

  it('in a forum topic, the reply and the typing indicator go to the same topic', async () => {
    const h = await startTelegram({ settings: { groupPolicy: 'allowlist', groupAllowFrom: [String(GROUP.id)] } });
    const asked = await h.tg.message(ALICE, 'status?', { chat: { ...GROUP, is_forum: true } as never, message_thread_id: 5, is_topic_message: true, reply_to_message: { message_id: 1, date: 1, chat: GROUP, from: h.tg.bot } });
    const [reply] = await h.tg.waitForSent(1);
    expect(reply).toMatchObject({ chatId: String(GROUP.id), text: 'echo: Alice: status?', threadId: 5, replyTo: asked.message!.message_id });
    expect(h.tg.actions).toContainEqual({ chatId: String(GROUP.id), action: 'typing', threadId: 5 });
  });

  it('replies go out without link previews (Telegram would fetch URLs from model output) unless linkPreviews is on', async () => {
    const h = await startTelegram({ settings: { dmPolicy: 'allowlist', allowFrom: ['42'] } });
    await h.tg.message(ALICE, 'see https://example.com/?q=data');
    await h.tg.waitForSent(1);
    expect(h.tg.calls.find((c) => c.method === 'sendMessage')!.params.link_preview_options).toEqual({ is_disabled: true });

    const on = await startTelegram({ settings: { dmPolicy: 'allowlist', allowFrom: ['42'], linkPreviews: true } });
    await on.tg.message(ALICE, 'see https://example.com/');
    await on.tg.waitForSent(1);
    expect(on.tg.calls.find((c) => c.method === 'sendMessage')!.params).not.toHaveProperty('link_preview_options');
  });

  it('with media downloads off (channels media.enabled false), a photo reaches the agent as attachment metadata', async () => {
    const h = await startTelegram({ settings: { dmPolicy: 'allowlist', allowFrom: ['42'] }, gateway: { channelsOptions: { media: { enabled: false } } } });
    await h.tg.pushUpdate({ message: { message_id: 3, date: 1_700_000_000, chat: { id: 42, type: 'private' }, from: { ...ALICE, is_bot: false }, photo: [{ file_id: 'small', width: 90, height: 90, file_size: 900 }, { file_id: 'big', width: 800, height: 800, file_size: 64000 }] } });
    const [reply] = await h.tg.waitForSent(1);
    expect(reply!.text).toBe('echo: [attachment: photo (image/jpeg, 64000 bytes)]');
  });

  it('a long reply arrives as several messages of at most 4096 characters, in order', async () => {
    const h = await startTelegram({ settings: { dmPolicy: 'allowlist', allowFrom: ['42'] } });
    const paragraphs = Array.from({ length: 30 }, (_, i) => `Paragraph ${i}: ${'lorem ipsum dolor sit amet '.repeat(16).trim()}.`);
    const long = paragraphs.join('\n\n');
    expect(long.length).toBeGreaterThan(3 * 4096);
    h.fake.script({ text: long });
    const question = await h.tg.message(ALICE, 'tell me a lot');
    await h.tg.waitForSent(4);
    await until(() => h.status().queue.pending === 0 && h.status().outbound.sent === h.tg.sent.length, 'every chunk to be sent');
    const sent = h.tg.sent;
    expect(sent.length).toBeGreaterThanOrEqual(4);
    for (const message of sent) expect(message.text.length).toBeLessThanOrEqual(4096);
    const joined = sent.map((m) => m.text).join('\n\n');
    expect(joined.replace(/\s+/g, ' ')).toBe(long.replace(/\s+/g, ' '));
    expect(sent.every((m) => m.chatId === '42')).toBe(true);
    // Only the first chunk quotes the question.
    expect(sent.map((m) => m.replyTo)).toEqual([question.message!.message_id, ...sent.slice(1).map(() => undefined)]);
  });
});
