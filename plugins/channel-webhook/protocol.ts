/**
 * The webhook channel's wire format, both directions signed the same way (also the scheme of
 * the `alert-webhook` sink): `X-Moltbot-Timestamp: <unix ms>` and
 * `X-Moltbot-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`.
 *   inbound  POST {path}        {sender, chatType?, chatId?, text, messageId?, mentioned?, senderName?}
 *   outbound POST {callbackUrl} {chatType, chatId, text, replyTo?}
 */
import { type ChannelInbound, signatureHeader, verifySignature } from '../../sdk/channels/index.ts';

export const TIMESTAMP_HEADER = 'x-moltbot-timestamp';
export const SIGNATURE_HEADER = 'x-moltbot-signature';

/** Headers signing `body` at `timestamp` (ms). */
export function signedHeaders(secret: string, body: string, timestamp: number = Date.now()): Record<string, string> {
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signatureHeader(secret, `${timestamp}.`, body) };
}

/** Whether the request's signature covers `<timestamp>.<body>`; the timestamp is returned for the replay window. */
export function verifySigned(headers: Record<string, string | string[] | undefined>, secret: string, body: Buffer): { ok: boolean; timestampMs?: number } {
  const timestamp = headers[TIMESTAMP_HEADER];
  if (typeof timestamp !== 'string' || !/^[0-9]{1,16}$/.test(timestamp)) return { ok: false };
  if (!verifySignature(headers[SIGNATURE_HEADER], secret, `${timestamp}.`, body)) return { ok: false };
  return { ok: true, timestampMs: Number(timestamp) };
}

const ID = /^[^\u0000-\u001f]{1,256}$/;

/** The inbound body as a channel message, or the reason it is not one (answered 400). */
export function parseInbound(body: unknown): { message: ChannelInbound } | { error: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { error: 'the body must be a JSON object' };
  const b = body as Record<string, unknown>;
  if (typeof b.sender !== 'string' || !ID.test(b.sender)) return { error: 'sender must be a non-empty string of at most 256 characters' };
  if (typeof b.text !== 'string' || b.text === '') return { error: 'text must be a non-empty string' };
  const chatType = b.chatType ?? 'dm';
  if (chatType !== 'dm' && chatType !== 'group') return { error: 'chatType must be "dm" or "group"' };
  if (b.chatId !== undefined && (typeof b.chatId !== 'string' || !ID.test(b.chatId))) return { error: 'chatId must be a non-empty string of at most 256 characters' };
  if (chatType === 'group' && b.chatId === undefined) return { error: 'a group message needs chatId' };
  if (b.messageId !== undefined && (typeof b.messageId !== 'string' || !ID.test(b.messageId))) return { error: 'messageId must be a non-empty string of at most 256 characters' };
  if (b.mentioned !== undefined && typeof b.mentioned !== 'boolean') return { error: 'mentioned must be a boolean' };
  if (b.senderName !== undefined && typeof b.senderName !== 'string') return { error: 'senderName must be a string' };
  return {
    message: {
      sender: b.sender,
      chatType,
      chatId: (b.chatId as string | undefined) ?? b.sender,
      text: b.text,
      ...(b.messageId !== undefined ? { messageId: b.messageId as string } : {}),
      ...(b.mentioned !== undefined ? { mentioned: b.mentioned as boolean } : {}),
      ...(typeof b.senderName === 'string' ? { senderName: b.senderName.slice(0, 256) } : {}),
    },
  };
}
