/** MESSAGE_CREATE → ChannelInbound (pure). */
import { describe, expect, it } from 'vitest';
import { normalizeDiscordId, normalizeMessage, type DiscordMessage } from '../../../plugins/channel-discord/normalize.ts';

const bot = { id: '100', username: 'molt', bot: true };
const alice = { id: '42', username: 'alice', global_name: 'Alice' };
const guild = (extra: Partial<DiscordMessage>): DiscordMessage => ({ id: '9', channel_id: '7', guild_id: '1', author: alice, content: 'hi', type: 0, mentions: [], ...extra });

describe('channel-discord: normalize', () => {
  it('a DM is keyed by the user id; a guild message by its channel', () => {
    expect(normalizeMessage({ id: '9', channel_id: '55', author: alice, content: ' hello ', type: 0, timestamp: '2026-01-01T00:00:00.000Z' }, bot)).toEqual({
      sender: '42', senderName: 'Alice', chatType: 'dm', chatId: '42', text: 'hello', mentioned: false, messageId: '55:9', receivedAt: Date.parse('2026-01-01T00:00:00.000Z'),
    });
    expect(normalizeMessage(guild({ member: { nick: 'Ali' } }), bot)).toMatchObject({ chatType: 'group', chatId: '7', senderName: 'Ali', mentioned: false });
  });

  it('mentioned: <@id> and <@!id> of the bot, or a reply to it; not a role, @everyone or another user', () => {
    expect(normalizeMessage(guild({ content: '<@!100> ping', mentions: [bot] }), bot)).toMatchObject({ mentioned: true, text: '@molt ping' });
    expect(normalizeMessage(guild({ content: '<@100>' }), bot)).toMatchObject({ mentioned: true, text: '@molt' });
    expect(normalizeMessage(guild({ content: 'yes', type: 19, referenced_message: { author: { id: '100' } } }), bot)).toMatchObject({ mentioned: true });
    expect(normalizeMessage(guild({ content: '<@&100> @everyone <@43>', mentions: [{ id: '43' }] }), bot)).toMatchObject({ mentioned: false });
  });

  it('bots, the bot itself, webhooks and system messages are ignored', () => {
    expect(normalizeMessage(guild({ author: { id: '5', bot: true } }), bot)).toBeUndefined();
    expect(normalizeMessage(guild({ author: { id: '100', username: 'molt' } }), bot)).toBeUndefined();
    expect(normalizeMessage(guild({ webhook_id: '3' }), bot)).toBeUndefined();
    expect(normalizeMessage(guild({ type: 7 }), bot)).toBeUndefined(); // member joined
    expect(normalizeMessage(guild({ type: 18 }), bot)).toBeUndefined(); // thread created
  });

  it('ids in allowFrom may be written discord:<id> or as a mention', () => {
    expect(['discord:42', '<@42>', '<@!42>', ' 42 '].map(normalizeDiscordId)).toEqual(['42', '42', '42', '42']);
  });
});
