/**
 * Cache values must survive the disk and Redis tiers, which store JSON (Keyv's serializer,
 * which also carries Buffer and BigInt). Checking at `set` makes a bad value the caller's
 * TypeError in every tier configuration, instead of a write error that would mark a healthy
 * tier degraded, and only once Redis is added by config.
 */
const bigintSafe = (_key: string, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value);

/** Length of the value's JSON text; throws a TypeError naming the key when it has none. */
export function jsonLength(key: string, value: unknown): number {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, bigintSafe);
  } catch (error) {
    throw new TypeError(`cache.set("${key}"): the value cannot be stored as JSON (${error instanceof Error ? error.message.split('\n')[0] : String(error)}); cache values must be JSON data (Buffer and BigInt allowed)`, { cause: error });
  }
  if (text === undefined) {
    throw new TypeError(`cache.set("${key}"): a ${typeof value} cannot be stored as JSON; cache values must be JSON data (Buffer and BigInt allowed)`);
  }
  return text.length;
}
