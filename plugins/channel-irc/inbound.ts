/**
 * IRC PRIVMSG → `ChannelInbound`. A PRIVMSG to the bot's nick is a DM (chat id: the sender's
 * nick); one to a channel is a group message (chat id: the channel), mentioned when it is
 * addressed to the bot (`nick: …`, `nick, …`, `@nick …`, the address is stripped) or names the
 * bot's nick as a word anywhere (the text stays as written). NOTICEs and CTCP are not messages.
 */
import type { IrcMessageEvent } from 'irc-framework';
import type { ChannelInbound } from '../../sdk/channels/index.ts';
import { ircEquals, ircLower, isChannelName } from './casemap.ts';

export type IrcPrivmsg = Pick<IrcMessageEvent, 'nick' | 'target' | 'message'> & Partial<IrcMessageEvent>;

/** Characters a nick may contain (RFC 2812 §2.3.1 plus the common `-`). */
const NICK_CHAR = /[A-Za-z0-9[\]\\`_^{|}-]/;

/** mIRC formatting: bold, colour (with its digits), hex colour, reset, reverse, italic, strike, underline, monospace. */
const FORMATTING = /\x03(?:\d{1,2}(?:,\d{1,2})?)?|\x04(?:[0-9a-fA-F]{6}(?:,[0-9a-fA-F]{6})?)?|[\x02\x0f\x11\x16\x1d\x1e\x1f]/g;

export function stripFormatting(text: string): string {
  return text.replace(FORMATTING, '');
}

/** `nick: rest`, `nick, rest`, `@nick rest` (any case per RFC 1459) → `rest`; otherwise undefined. */
export function stripAddress(text: string, nick: string): string | undefined {
  const at = text.startsWith('@') ? 1 : 0;
  const head = text.slice(at, at + nick.length);
  if (!ircEquals(head, nick)) return undefined;
  const after = text.slice(at + nick.length);
  const match = at === 1 ? /^(?:[:,]\s*|\s+|$)/.exec(after) : /^(?:[:,]\s*|$)/.exec(after);
  return match ? after.slice(match[0].length).trim() : undefined;
}

/** Whether `nick` occurs in `text` as a whole word (not inside a longer nick). */
export function namesNick(text: string, nick: string): boolean {
  if (nick.length === 0) return false;
  const haystack = ircLower(text);
  const needle = ircLower(nick);
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    const before = at === 0 ? '' : text[at - 1]!;
    const after = text[at + needle.length] ?? '';
    if (!NICK_CHAR.test(before) && !NICK_CHAR.test(after)) return true;
  }
  return false;
}

/** The normalised message, or undefined for what is not a conversation message (CTCP, server, own echo, empty). */
export function normalizePrivmsg(event: IrcPrivmsg, botNick: string, chanTypes?: string): ChannelInbound | undefined {
  if (event.from_server || !event.nick || ircEquals(event.nick, botNick)) return undefined;
  if (event.message.startsWith('\x01')) return undefined; // CTCP (ACTION, VERSION, ...)
  const text = stripFormatting(event.message).trim();
  if (text.length === 0) return undefined;
  const msgid = event.tags?.['msgid'];
  const base = {
    sender: event.nick,
    senderName: event.nick,
    text,
    receivedAt: event.time ?? Date.now(),
    ...(msgid ? { messageId: msgid } : {}),
  };
  if (isChannelName(event.target, chanTypes)) {
    const addressed = stripAddress(text, botNick);
    if (addressed !== undefined) return { ...base, chatType: 'group', chatId: event.target, text: addressed || text, mentioned: true };
    return { ...base, chatType: 'group', chatId: event.target, mentioned: namesNick(text, botNick) };
  }
  if (!ircEquals(event.target, botNick)) return undefined; // e.g. a status message (@#room) or a stale nick
  return { ...base, chatType: 'dm', chatId: event.nick };
}
