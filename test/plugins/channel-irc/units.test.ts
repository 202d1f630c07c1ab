/** The IRC channel's pure parts: case folding, PRIVMSG normalisation, line budget, nicks, pacing. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ircEquals, ircLower } from '../../../plugins/channel-irc/casemap.ts';
import { namesNick, normalizePrivmsg, stripAddress, stripFormatting } from '../../../plugins/channel-irc/inbound.ts';
import { IRC_LINE_BYTES, safeCharacters, textBudget, toLines } from '../../../plugins/channel-irc/lines.ts';
import { alternateNick } from '../../../plugins/channel-irc/nicks.ts';
import { Pacer } from '../../../plugins/channel-irc/pacer.ts';
import { pongMatcher } from '../../../plugins/channel-irc/deliver.ts';
import { IrcAdapter } from '../../../plugins/channel-irc/adapter.ts';

describe('RFC 1459 case mapping', () => {
  it.each([
    ['Bot[1]', 'bot{1}'],
    ['A\\B~', 'a|b^'],
    ['ÄLICE', 'Älice'],
  ])('%s folds like %s', (a, b) => {
    expect(ircLower(a)).toBe(ircLower(b));
  });
  it('folds only ASCII letters and []\\~ (not other characters)', () => {
    expect(ircLower('Ä')).toBe('Ä');
    expect(ircLower('A-Z_09')).toBe('a-z_09');
  });
  it('compares nicks without case', () => {
    expect(ircEquals('MoltBot', 'moltbot')).toBe(true);
    expect(ircEquals('molt[bot]', 'MOLT{BOT}')).toBe(true);
    expect(ircEquals('moltbot', 'moltbot_')).toBe(false);
    expect(new IrcAdapter('irc', { host: 'h', nick: 'n' }).normalizeId(' Alice[away] ')).toBe('alice{away}');
  });
});

describe('PRIVMSG normalisation', () => {
  const dm = (message: string, extra = {}) => normalizePrivmsg({ nick: 'Alice', target: 'moltbot', message, ...extra }, 'MoltBot');
  const group = (message: string) => normalizePrivmsg({ nick: 'Alice', target: '#room', message }, 'MoltBot');

  it('a PRIVMSG to the bot is a DM from the nick; to a channel a group message', () => {
    expect(dm('hi')).toMatchObject({ sender: 'Alice', chatType: 'dm', chatId: 'Alice', text: 'hi' });
    expect(dm('hi')!.mentioned).toBeUndefined();
    expect(group('hi all')).toMatchObject({ chatType: 'group', chatId: '#room', text: 'hi all', mentioned: false });
  });

  it.each([
    ['moltbot: what time is it', 'what time is it'],
    ['MOLTBOT, hello', 'hello'],
    ['@moltbot status?', 'status?'],
    ['moltbot:', 'moltbot:'],
  ])('"%s" addresses the bot → "%s"', (text, rest) => {
    expect(group(text)).toMatchObject({ mentioned: true, text: rest });
  });

  it.each([
    ['ask moltbot about it', true],
    ['(moltbot) is here', true],
    ['moltbots are many', false],
    ['xmoltbot: hi', false],
    ['moltbot_: hi', false],
  ])('"%s" mentions the bot: %s', (text, mentioned) => {
    expect(group(text)!.mentioned).toBe(mentioned);
    expect(group(text)!.text).toBe(text);
  });

  it('ignores CTCP, own echoes, server messages, empty text and other targets; strips formatting', () => {
    expect(dm('\x01VERSION\x01')).toBeUndefined();
    expect(dm('\x01ACTION waves\x01')).toBeUndefined();
    expect(normalizePrivmsg({ nick: 'moltbot', target: '#room', message: 'echo' }, 'MoltBot')).toBeUndefined();
    expect(dm('hi', { from_server: true })).toBeUndefined();
    expect(dm('  \x02\x02 ')).toBeUndefined();
    expect(normalizePrivmsg({ nick: 'Alice', target: 'someoneelse', message: 'hi' }, 'MoltBot')).toBeUndefined();
    expect(stripFormatting('\x02bold\x02 \x0304,12red\x03 \x1dit\x1d\x0f')).toBe('bold red it');
    expect(dm('x', { tags: { msgid: 'abc' } })!.messageId).toBe('abc');
  });

  it('address and word helpers', () => {
    expect(stripAddress('bot: x', 'bot')).toBe('x');
    expect(stripAddress('botx: x', 'bot')).toBeUndefined();
    expect(stripAddress('bot x', 'bot')).toBeUndefined();
    expect(namesNick('hey [bot]', '[bot]')).toBe(true);
    expect(namesNick('', 'bot')).toBe(false);
  });
});

describe('line budget', () => {
  const prefix = { nick: 'moltbot', username: '~moltbot', host: 'h'.repeat(63) };

  it('the relayed line is exactly 512 bytes at the budget', () => {
    const budget = textBudget(prefix, '#room');
    const line = `:${prefix.nick}!${prefix.username}@${prefix.host} PRIVMSG #room :${'x'.repeat(budget)}\r\n`;
    expect(Buffer.byteLength(line)).toBe(IRC_LINE_BYTES);
    expect(textBudget({ nick: 'moltbot', username: '~moltbot' }, '#room')).toBe(budget);
  });

  it('maxMessageLength fits the worst case: 3 bytes per UTF-16 unit, a 30-character DM target, a 63-byte host', () => {
    const chars = safeCharacters('moltbot', 'moltbot', ['#room']);
    const worst = textBudget({ nick: 'x'.repeat(16), username: '~moltbot' }, 'x'.repeat(30));
    expect(Buffer.byteLength('語'.repeat(chars))).toBeLessThanOrEqual(worst);
    expect(Buffer.byteLength('🦀'.repeat(Math.floor(chars / 2)))).toBeLessThanOrEqual(worst);
    expect(chars).toBeGreaterThan(100);
    expect(safeCharacters('moltbot', 'moltbot', [`#${'r'.repeat(49)}`])).toBeLessThan(chars);
  });

  it('splits lines, drops blank ones and cuts long ones on character boundaries within the budget', () => {
    expect(toLines('a\n\n  \nb\r\nc\rd\0', 50)).toEqual(['a', 'b', 'c', 'd']);
    const long = `${'é'.repeat(30)} ${'🦀'.repeat(30)}`;
    const lines = toLines(long, 40);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(40);
    expect(lines.join('')).toBe(long.replace(' ', ''));
    expect(lines.every((line) => !line.includes('\ufffd') && line.isWellFormed())).toBe(true);
    expect(toLines('word '.repeat(20).trim(), 22)).toEqual(['word word word word', 'word word word word', 'word word word word', 'word word word word', 'word word word word']);
    expect(() => toLines('x', 2)).toThrow(/too small/);
  });
});

describe('alternate nicks', () => {
  it('configured ones first, then suffixes, never longer than max(nick, 9)', () => {
    const tries = Array.from({ length: 14 }, (_, i) => alternateNick('moltbot', ['molty'], i + 1));
    expect(tries).toEqual(['molty', 'moltbot_', 'moltbot__', 'moltbot1', 'moltbot2', 'moltbot3', 'moltbot4', 'moltbot5', 'moltbot6', 'moltbot7', 'moltbot8', 'moltbot9', undefined, undefined]);
    expect(alternateNick('assistant', [], 2)).toBe('assista__');
    expect(alternateNick('averylongbotnick', [], 1)).toBe('averylongbotnic_');
  });
});

describe('pacer (token bucket)', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('lets a burst through at once, then one line per interval, in order', async () => {
    vi.useFakeTimers();
    const pacer = new Pacer({ burst: 3, intervalMs: 1000, now: () => Date.now() });
    const done: number[] = [];
    for (let i = 0; i < 6; i++) void pacer.take().then(() => done.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toEqual([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toEqual([0, 1, 2, 3]);
    await vi.advanceTimersByTimeAsync(2000);
    expect(done).toEqual([0, 1, 2, 3, 4, 5]);
    await vi.advanceTimersByTimeAsync(10_000);
    for (let i = 6; i < 9; i++) void pacer.take().then(() => done.push(i));
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toHaveLength(9);
  });

  it('an aborted wait rejects and does not hold up the next one', async () => {
    vi.useFakeTimers();
    const pacer = new Pacer({ burst: 1, intervalMs: 1000, now: () => Date.now() });
    await pacer.take();
    const controller = new AbortController();
    const aborted = pacer.take(controller.signal);
    controller.abort(new Error('stopped'));
    await expect(aborted).rejects.toThrow('stopped');
    const next = pacer.take();
    await vi.advanceTimersByTimeAsync(1000);
    await expect(next).resolves.toBeUndefined();
  });
});

describe('delivery confirmation', () => {
  it('recognises the PONG to our token in every server spelling, and nothing a user can send', () => {
    const ours = pongMatcher('moltbot-7-a1b2c3');
    expect(ours(':irc.example.net PONG irc.example.net :moltbot-7-a1b2c3\r\n')).toBe(true);
    expect(ours('PONG :moltbot-7-a1b2c3')).toBe(true);
    expect(ours('@time=2026-01-01T00:00:00Z :srv PONG srv moltbot-7-a1b2c3')).toBe(true);
    expect(ours(':srv PONG srv :moltbot-7-a1b2c4')).toBe(false);
    expect(ours(':evil!u@h PRIVMSG moltbot :PONG :moltbot-7-a1b2c3')).toBe(false);
    expect(ours(':evil!u@h NOTICE moltbot :x PONG moltbot-7-a1b2c3')).toBe(false);
  });
});
