/**
 * IRC line budget. A line is at most 512 bytes with CRLF, and the server relays ours with its
 * prefix in front: `:nick!user@host PRIVMSG <target> :<text>\r\n`. `safeCharacters` is the
 * adapter's `maxMessageLength`: a budget in UTF-16 code units (JavaScript string length, what
 * the channels service counts) that fits even when every unit takes 3 bytes in UTF-8 (an
 * astral character is 2 units and 4 bytes). `toLines` turns one chunk into PRIVMSG texts: one
 * per text line, and, as a safety net, cut at the byte budget on a character boundary.
 */

export const IRC_LINE_BYTES = 512;
/** Longest hostname a server may show for us (RFC 1035 label limit, as most ircds use). */
export const MAX_HOST_BYTES = 63;
/** A nick the server gives us (alternate, `Guest123`-style renames) may exceed the configured one. */
export const MIN_NICK_BUDGET = 16;
/** DM targets are nicks: NICKLEN on common networks is at most 30. */
export const MIN_TARGET_BUDGET = 30;

export interface Prefix {
  nick: string;
  /** As the server shows it (ngIRCd and others prepend `~` without ident). */
  username: string;
  /** Unknown until the server tells: the worst case is assumed. */
  host?: string;
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** Bytes left for the text of `PRIVMSG <target> :<text>` once the server has added its prefix. */
export function textBudget(prefix: Prefix, target: string): number {
  const relayedPrefix = 1 + bytes(prefix.nick) + 1 + bytes(prefix.username) + 1 + (prefix.host ? bytes(prefix.host) : MAX_HOST_BYTES) + 1;
  return IRC_LINE_BYTES - 2 - relayedPrefix - bytes(`PRIVMSG ${target} :`);
}

/** `maxMessageLength` for the configured identity and channels: safe for any target and any text. */
export function safeCharacters(nick: string, username: string, channels: readonly string[]): number {
  const nickBudget = 'x'.repeat(Math.max(bytes(nick), MIN_NICK_BUDGET));
  const target = 'x'.repeat(Math.max(MIN_TARGET_BUDGET, ...channels.map(bytes)));
  const budget = textBudget({ nick: nickBudget, username: `~${username}` }, target);
  return Math.floor(budget / 3);
}

/** Longest prefix of `text` (in UTF-16 units) that fits `budget` bytes without splitting a character. */
function fitting(text: string, budget: number): number {
  let used = 0;
  let index = 0;
  for (const char of text) {
    const size = bytes(char);
    if (used + size > budget) break;
    used += size;
    index += char.length;
  }
  return index;
}

/** One chunk → the PRIVMSG texts to send, in order: never empty, never longer than `budget` bytes. */
export function toLines(text: string, budget: number): string[] {
  if (!Number.isInteger(budget) || budget < 4) throw new RangeError(`IRC text budget too small: ${budget} bytes`);
  const lines: string[] = [];
  for (const raw of text.replace(/\0/g, '').split(/\r\n|\r|\n/)) {
    let rest = raw.trimEnd();
    while (bytes(rest) > budget) {
      let cut = fitting(rest, budget);
      const space = rest.lastIndexOf(' ', cut);
      if (space > cut / 2) cut = space;
      lines.push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut).trimStart();
    }
    if (rest.trim().length > 0) lines.push(rest);
  }
  return lines.filter((line) => line.length > 0);
}
