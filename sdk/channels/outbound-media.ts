/**
 * Outbound media: a file the agent (or an operator) sends to a chat. The bytes travel with the
 * message through `messageSending` → the outbound queue → `ChannelAdapter.sendMedia`, which
 * uploads them the platform's way; a channel without `sendMedia` gets `mediaNote()` as text.
 *
 * The type is sniffed from the bytes (never trusted from the file name): an image the platform
 * shows inline only when its magic number says so, everything else is a file (a document).
 */
import type { OutboundMessageAttachment } from '../core/index.ts';
import { formatBytes } from './media-intake.ts';
import { sniffType } from './media-sniff.ts';

export type OutboundAttachment = OutboundMessageAttachment;

/** What a channel takes when its adapter does not say (`ChannelAdapter.maxMediaBytes`). */
export const DEFAULT_MAX_MEDIA_BYTES = 20 * 1024 * 1024;
/** Attachments one reply may carry. */
export const MAX_ATTACHMENTS_PER_REPLY = 10;

/** Images the platforms show inline; any other type (HEIC, BMP, SVG…) is sent as a file. */
const INLINE_IMAGES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);

/**
 * The type of `bytes` by their content, with the inbound kit's sniffer (magic numbers through
 * `file-type`, or UTF-8 text): a known type, text, or octet-stream.
 */
export async function sniffMedia(bytes: Uint8Array): Promise<{ mimeType: string; kind: 'image' | 'file' }> {
  const sniffed = await sniffType(bytes);
  if (sniffed === undefined) return { mimeType: 'application/octet-stream', kind: 'file' };
  if (INLINE_IMAGES.has(sniffed.mimeType)) return { mimeType: sniffed.mimeType, kind: 'image' };
  return { mimeType: sniffed.mimeType.startsWith('text/') ? `${sniffed.mimeType}; charset=utf-8` : sniffed.mimeType, kind: 'file' };
}

/** A file name safe to hand a platform: the last path segment, control characters and quotes removed. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f"]+/g, '').trim().slice(0, 200);
  return clean === '' || clean === '.' || clean === '..' ? 'file' : clean;
}

/** Builds an attachment from bytes: type sniffed, name made safe. */
export async function outboundAttachment(bytes: Uint8Array, name: string, caption?: string): Promise<OutboundAttachment> {
  const { mimeType, kind } = await sniffMedia(bytes);
  return { name: safeFileName(name), mimeType, kind, size: bytes.byteLength, data: bytes, ...(caption ? { caption } : {}) };
}

/** The text a channel that cannot carry files (IRC, the signed webhook) sends instead. */
export function mediaNote(attachment: Pick<OutboundAttachment, 'name' | 'size' | 'kind' | 'caption'>): string {
  const what = attachment.kind === 'image' ? 'image' : 'file';
  const note = `[${what} "${attachment.name}" (${formatBytes(attachment.size)}) not delivered: this channel cannot carry files]`;
  return attachment.caption ? `${attachment.caption}\n${note}` : note;
}
