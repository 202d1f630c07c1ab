/**
 * Phone numbers as WhatsApp reports senders (`wa_id`: the E.164 digits, no "+"). Config
 * entries are written the way people write numbers ("+1 (234) 567-890", "0044 20 7946 0958"):
 * spaces, dashes, dots, parentheses and a leading "+" or "00" are dropped before comparison.
 */

/** Canonical form used for senders and `allowFrom` entries alike; "*" stays "*". */
export function normalizePhone(id: string): string {
  const trimmed = id.trim();
  if (trimmed === '*') return trimmed;
  const compact = trimmed.replace(/[\s\-.()\u00a0]/g, '');
  if (compact.startsWith('+')) return compact.slice(1);
  if (compact.startsWith('00')) return compact.slice(2);
  return compact;
}

/** E.164: a country code that does not start with 0, at most 15 digits in all (7 at least, for real numbers). */
export function isE164(normalized: string): boolean {
  return /^[1-9][0-9]{6,14}$/.test(normalized);
}
