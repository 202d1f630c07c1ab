/**
 * HMAC-SHA256 request signatures as webhook senders write them: `sha256=<hex>` over the raw
 * body (WhatsApp's `X-Hub-Signature-256`) or over `<timestamp>.<raw body>` (Moltbot's generic
 * webhook). Compared in constant time; a missing or malformed header is simply "not valid".
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'sha256=';

/** Hex HMAC-SHA256 of the parts, concatenated in order (strings as UTF-8, buffers as bytes). */
export function hmacSha256Hex(secret: string, ...parts: (string | Buffer)[]): string {
  const hmac = createHmac('sha256', secret);
  for (const part of parts) hmac.update(part);
  return hmac.digest('hex');
}

/** The header value a sender puts on a request: `sha256=<hex>`. */
export function signatureHeader(secret: string, ...parts: (string | Buffer)[]): string {
  return `${PREFIX}${hmacSha256Hex(secret, ...parts)}`;
}

/**
 * The digest a `sha256=<64 hex>` header carries, in canonical form (lower-case hex), or
 * undefined when the header is missing or malformed. Hex is case-insensitive, so the same
 * signature can be written many ways: anything that remembers signatures (the replay guard)
 * must key on this form, never on the raw header.
 */
export function signatureDigest(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || !header.startsWith(PREFIX)) return undefined;
  const hex = header.slice(PREFIX.length).trim();
  return /^[0-9a-fA-F]{64}$/.test(hex) ? hex.toLowerCase() : undefined;
}

/** Whether `header` (`sha256=<64 hex>`, either hex case) is the HMAC of the parts under `secret`. */
export function verifySignature(header: string | string[] | undefined, secret: string, ...parts: (string | Buffer)[]): boolean {
  const hex = signatureDigest(header);
  if (hex === undefined) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = Buffer.from(hmacSha256Hex(secret, ...parts), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
