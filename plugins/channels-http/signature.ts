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

/** Whether `header` (`sha256=<64 hex>`) is the HMAC of the parts under `secret`. */
export function verifySignature(header: string | string[] | undefined, secret: string, ...parts: (string | Buffer)[]): boolean {
  if (typeof header !== 'string' || !header.startsWith(PREFIX)) return false;
  const hex = header.slice(PREFIX.length).trim();
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const given = Buffer.from(hex, 'hex');
  const expected = Buffer.from(hmacSha256Hex(secret, ...parts), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
