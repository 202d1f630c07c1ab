/**
 * IRC case folding (RFC 1459 §2.2): besides A–Z, `[]\~` are the upper case of `{}|^`, so
 * `Bot[1]` and `bot{1}` are one nick. Used for sender ids, `allowFrom` entries and mentions;
 * it folds at least as much as ngIRCd's and most networks' `CASEMAPPING`.
 */
const FOLD: Readonly<Record<string, string>> = Object.freeze({ '[': '{', ']': '}', '\\': '|', '~': '^' });

export function ircLower(text: string): string {
  return text.replace(/[A-Z[\]\\~]/g, (char) => FOLD[char] ?? char.toLowerCase());
}

export function ircEquals(a: string, b: string): boolean {
  return ircLower(a) === ircLower(b);
}

/** Channel names start with one of these (RFC 2811 / ISUPPORT CHANTYPES defaults). */
export function isChannelName(target: string, chanTypes = '#&+!'): boolean {
  return target.length > 1 && chanTypes.includes(target[0]!);
}
