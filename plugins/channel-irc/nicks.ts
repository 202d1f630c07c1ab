/**
 * Alternate nicks when ours is in use: the configured `altNicks`, then `<nick>_`, `<nick>__`,
 * then `<nick>1` … `<nick>9`. A candidate is never longer than the nick itself or 9 characters
 * (RFC 1459's NICKLEN), whichever is more, so a server that accepted the nick's length accepts
 * the alternate's: a long nick loses its last characters to the suffix.
 */
const RFC1459_NICKLEN = 9;
const SUFFIXES: readonly string[] = Object.freeze(['_', '__', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

/** The nick to try after `attempt` refusals (1-based), or undefined when none is left. */
export function alternateNick(nick: string, altNicks: readonly string[], attempt: number): string | undefined {
  if (attempt <= altNicks.length) return altNicks[attempt - 1];
  const suffix = SUFFIXES[attempt - altNicks.length - 1];
  if (suffix === undefined) return undefined;
  const limit = Math.max(nick.length, RFC1459_NICKLEN);
  return nick.slice(0, limit - suffix.length) + suffix;
}
