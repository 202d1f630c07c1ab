/**
 * Slack's request signature (Events API): `X-Slack-Signature: v0=<hex HMAC-SHA256>` over
 * `v0:<X-Slack-Request-Timestamp>:<raw body>` with the app's signing secret. Compared in
 * constant time; a missing or malformed header or timestamp is "not valid". The replay window
 * (Slack: 5 minutes) and the replay guard are the signed route's (moltbot/plugin-sdk/channels).
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hmacSha256Hex } from '../../sdk/channels/index.ts';

export const SIGNATURE_HEADER = 'x-slack-signature';
export const TIMESTAMP_HEADER = 'x-slack-request-timestamp';
const VERSION = 'v0';

/** `v0=<hex>` for a request: what Slack (and the test fake) puts on it. */
export function slackSignature(secret: string, timestampSeconds: number | string, body: string | Buffer): string {
  return `${VERSION}=${hmacSha256Hex(secret, `${VERSION}:${timestampSeconds}:`, body)}`;
}

/** The digest of a `v0=<64 hex>` header in canonical (lower-case) form; undefined when malformed. */
export function slackSignatureDigest(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || !header.startsWith(`${VERSION}=`)) return undefined;
  const hex = header.slice(VERSION.length + 1).trim();
  return /^[0-9a-fA-F]{64}$/.test(hex) ? hex.toLowerCase() : undefined;
}

/** Whether the request carries a valid signature of `body`; `timestampMs` (Slack's clock) when the header is a number. */
export function verifySlackRequest(req: IncomingMessage, body: Buffer, secret: string): { ok: boolean; timestampMs?: number } {
  const stamp = req.headers[TIMESTAMP_HEADER];
  const digest = slackSignatureDigest(req.headers[SIGNATURE_HEADER]);
  if (typeof stamp !== 'string' || !/^\d{1,12}$/.test(stamp) || digest === undefined) return { ok: false };
  const expected = Buffer.from(hmacSha256Hex(secret, `${VERSION}:${stamp}:`, body), 'hex');
  const given = Buffer.from(digest, 'hex');
  return { ok: given.length === expected.length && timingSafeEqual(given, expected), timestampMs: Number(stamp) * 1000 };
}
