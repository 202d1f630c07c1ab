import { describe, expect, it } from 'vitest';
import { messageRef, normalizeTelegramId, normalizeUpdate, parseMessageRef } from '../../../plugins/channel-telegram/normalize.ts';

const bot = { id: 999, username: 'molt_bot' };
const alice = { id: 42, is_bot: false, first_name: 'Alice', last_name: 'Liddell', username: 'alice' };
const dm = { id: 42, type: 'private' };
const group = { id: -100123, type: 'supergroup', title: 'Team' };

describe('normalizeUpdate', () => {
  it('turns a private text message into a dm inbound', () => {
    const inbound = normalizeUpdate({ update_id: 1, message: { message_id: 7, date: 1_700_000_000, chat: dm, from: alice, text: 'hello' } }, bot);
    expect(inbound).toEqual({
      sender: '42', senderName: 'Alice Liddell', chatType: 'dm', chatId: '42', text: 'hello',
      mentioned: false, messageId: '42:7', receivedAt: 1_700_000_000_000,
    });
  });

  it('maps group and supergroup to group, and ignores channels, edits and service messages', () => {
    expect(normalizeUpdate({ update_id: 1, message: { message_id: 1, chat: { id: -5, type: 'group' }, from: alice, text: 'hi' } }, bot)?.chatType).toBe('group');
    expect(normalizeUpdate({ update_id: 1, message: { message_id: 1, chat: group, from: alice, text: 'hi' } }, bot)).toMatchObject({ chatType: 'group', chatId: '-100123', sender: '42' });
    expect(normalizeUpdate({ update_id: 1, message: { message_id: 1, chat: { id: -7, type: 'channel' }, text: 'post' } }, bot)).toBeUndefined();
    expect(normalizeUpdate({ update_id: 1, edited_message: { message_id: 1, chat: dm, from: alice, text: 'edit' } }, bot)).toBeUndefined();
    expect(normalizeUpdate({ update_id: 1, message: { message_id: 1, chat: group, from: alice, new_chat_members: [alice] } as never }, bot)).toBeUndefined();
  });

  it('ignores other bots (loop protection) but keeps an anonymous admin posting as the group', () => {
    const otherBot = { id: 5, is_bot: true, first_name: 'Other' };
    expect(normalizeUpdate({ update_id: 1, message: { message_id: 1, chat: group, from: otherBot, text: 'ping' } }, bot)).toBeUndefined();
    const anonymous = normalizeUpdate({ update_id: 1, message: { message_id: 1, chat: group, from: { id: 1087968824, is_bot: true, first_name: 'Group' }, sender_chat: { id: -100123, title: 'Team' }, text: 'hi' } }, bot);
    expect(anonymous).toMatchObject({ sender: '-100123', senderName: 'Team' });
  });

  it('detects a mention of the bot by username and strips it from the text', () => {
    const text = 'hey @Molt_Bot what time is it?';
    const inbound = normalizeUpdate({ update_id: 1, message: { message_id: 3, chat: group, from: alice, text, entities: [{ type: 'mention', offset: 4, length: 9 }] } }, bot);
    expect(inbound).toMatchObject({ mentioned: true, text: 'hey what time is it?' });
  });

  it('a mention of someone else, or plain text naming the bot, is not a mention', () => {
    const other = normalizeUpdate({ update_id: 1, message: { message_id: 3, chat: group, from: alice, text: '@bob hi', entities: [{ type: 'mention', offset: 0, length: 4 }] } }, bot);
    expect(other).toMatchObject({ mentioned: false, text: '@bob hi' });
    expect(normalizeUpdate({ update_id: 1, message: { message_id: 3, chat: group, from: alice, text: 'molt_bot is nice' } }, bot)?.mentioned).toBe(false);
  });

  it('counts a text mention, a /command@bot and a reply to the bot as mentions', () => {
    const textMention = normalizeUpdate({ update_id: 1, message: { message_id: 1, chat: group, from: alice, text: 'Molt help', entities: [{ type: 'text_mention', offset: 0, length: 4, user: { id: 999 } }] } }, bot);
    expect(textMention).toMatchObject({ mentioned: true, text: 'Molt help' });
    const command = normalizeUpdate({ update_id: 1, message: { message_id: 1, chat: group, from: alice, text: '/status@molt_bot now', entities: [{ type: 'bot_command', offset: 0, length: 16 }] } }, bot);
    expect(command).toMatchObject({ mentioned: true, text: '/status now' });
    const reply = normalizeUpdate({ update_id: 1, message: { message_id: 2, chat: group, from: alice, text: 'and then?', reply_to_message: { from: { id: 999 } } } }, bot);
    expect(reply).toMatchObject({ mentioned: true, text: 'and then?' });
  });

  it('uses the caption and its entities, and lists attachments as metadata', () => {
    const inbound = normalizeUpdate({
      update_id: 1,
      message: {
        message_id: 9, chat: dm, from: alice, caption: '@molt_bot look', caption_entities: [{ type: 'mention', offset: 0, length: 9 }],
        photo: [{ file_id: 'a', width: 90, height: 90, file_size: 1000 }, { file_id: 'b', width: 800, height: 800, file_size: 64000 }],
      },
    }, bot);
    expect(inbound).toMatchObject({ text: 'look', mentioned: true, attachments: [{ name: 'photo', mimeType: 'image/jpeg', size: 64000 }] });
    const doc = normalizeUpdate({ update_id: 1, message: { message_id: 10, chat: dm, from: alice, document: { file_id: 'd', file_name: 'report.pdf', mime_type: 'application/pdf', file_size: 2048 } } }, bot);
    expect(doc).toMatchObject({ text: '', attachments: [{ name: 'report.pdf', mimeType: 'application/pdf', size: 2048 }] });
  });

  it('mention offsets count UTF-16 units like Telegram (emoji before the mention)', () => {
    const text = '😀 @molt_bot hi';
    const inbound = normalizeUpdate({ update_id: 1, message: { message_id: 1, chat: group, from: alice, text, entities: [{ type: 'mention', offset: 3, length: 9 }] } }, bot);
    expect(inbound).toMatchObject({ mentioned: true, text: '😀 hi' });
  });
});

describe('ids', () => {
  it('normalizeTelegramId accepts tg:/telegram: prefixes and spaces', () => {
    expect(['42', ' 42 ', 'tg:42', 'telegram:42', 'TG:42'].map(normalizeTelegramId)).toEqual(['42', '42', '42', '42', '42']);
  });

  it('message refs: <chat>:<id>, #<topic> inside a forum topic, a bare id; junk refused', () => {
    expect(messageRef(-100123, 77)).toBe('-100123:77');
    expect(messageRef(-100123, 77, 5)).toBe('-100123:77#5');
    expect(parseMessageRef('-100123:77')).toEqual({ messageId: 77 });
    expect(parseMessageRef('-100123:77#5')).toEqual({ messageId: 77, threadId: 5 });
    expect(parseMessageRef('15')).toEqual({ messageId: 15 });
    for (const junk of ['x', '', '1:2:3', '-5:0', '42:7#', undefined]) expect(parseMessageRef(junk), String(junk)).toBeUndefined();
  });

  it('a message in a forum topic carries its topic in messageId; a reply thread outside forums does not', () => {
    const topic = normalizeUpdate({ update_id: 1, message: { message_id: 8, chat: group, from: alice, text: 'hi', message_thread_id: 5, is_topic_message: true } }, bot);
    expect(topic?.messageId).toBe('-100123:8#5');
    const thread = normalizeUpdate({ update_id: 1, message: { message_id: 9, chat: group, from: alice, text: 'hi', message_thread_id: 3 } }, bot);
    expect(thread?.messageId).toBe('-100123:9');
  });
});
