/**
 * Outbound media: a file the agent (or an operator) sends to a chat. The bytes travel with the
 * message through `messageSending` → the outbound queue → `ChannelAdapter.sendMedia`, which
 * uploads them the platform's way; a channel without `sendMedia` gets `mediaNote()` as text.
 *
 * The type is sniffed from the bytes (never trusted from the file name): an image the platform
 * shows inline only when its magic number says so, everything else is a file (a document).
 */
import type { OutboundMessageAttachment } from '../core/index.ts';

export type OutboundAttachment = OutboundMessageAttachment;

/** What a channel takes when its adapter does not say (`ChannelAdapter.maxMediaBytes`). */
export const DEFAULT_MAX_MEDIA_BYTES = 20 * 1024 * 1024;
/** Attachments one reply may carry. */
export const MAX_ATTACHMENTS_PER_REPLY = 10;

interface Magic {
  mimeType: string;
  image: boolean;
  test(bytes: Uint8Array): boolean;
}

const starts = (prefix: readonly number[], offset = 0) => (bytes: Uint8Array) =>
  bytes.length >= offset + prefix.length && prefix.every((byte, i) => bytes[offset + i] === byte);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const MAGIC: readonly Magic[] = [
  { mimeType: 'image/png', image: true, test: starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mimeType: 'image/jpeg', image: true, test: starts([0xff, 0xd8, 0xff]) },
  { mimeType: 'image/gif', image: true, test: (b) => starts(ascii('GIF87a'))(b) || starts(ascii('GIF89a'))(b) },
  { mimeType: 'image/webp', image: true, test: (b) => starts(ascii('RIFF'))(b) && starts(ascii('WEBP'), 8)(b) },
  { mimeType: 'application/pdf', image: false, test: starts(ascii('%PDF-')) },
  { mimeType: 'application/zip', image: false, test: starts([0x50, 0x4b, 0x03, 0x04]) },
  { mimeType: 'application/gzip', image: false, test: starts([0x1f, 0x8b]) },
  { mimeType: 'audio/ogg', image: false, test: starts(ascii('OggS')) },
  { mimeType: 'audio/mpeg', image: false, test: (b) => starts(ascii('ID3'))(b) || (b.length > 1 && b[0] === 0xff && (b[1]! & 0xe0) === 0xe0) },
  { mimeType: 'video/mp4', image: false, test: starts(ascii('ftyp'), 4) },
];

/** Text when the bytes are valid UTF-8 without NUL (a CSV, a log, source code). */
function isText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The type of `bytes` by their content: a known magic number, UTF-8 text, or octet-stream. */
export function sniffMedia(bytes: Uint8Array): { mimeType: string; kind: 'image' | 'file' } {
  const magic = MAGIC.find((entry) => entry.test(bytes));
  if (magic) return { mimeType: magic.mimeType, kind: magic.image ? 'image' : 'file' };
  return { mimeType: isText(bytes) ? 'text/plain; charset=utf-8' : 'application/octet-stream', kind: 'file' };
}

/** A file name safe to hand a platform: the last path segment, control characters and quotes removed. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f"]+/g, '').trim().slice(0, 200);
  return clean === '' || clean === '.' || clean === '..' ? 'file' : clean;
}

/** Builds an attachment from bytes: type sniffed, name made safe. */
export function outboundAttachment(bytes: Uint8Array, name: string, caption?: string): OutboundAttachment {
  const { mimeType, kind } = sniffMedia(bytes);
  return { name: safeFileName(name), mimeType, kind, size: bytes.byteLength, data: bytes, ...(caption ? { caption } : {}) };
}

/** The text a channel that cannot carry files (IRC, the signed webhook) sends instead. */
export function mediaNote(attachment: Pick<OutboundAttachment, 'name' | 'size' | 'kind' | 'caption'>): string {
  const what = attachment.kind === 'image' ? 'image' : 'file';
  const note = `[${what} "${attachment.name}" (${formatBytes(attachment.size)}) not delivered: this channel cannot carry files]`;
  return attachment.caption ? `${attachment.caption}\n${note}` : note;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
