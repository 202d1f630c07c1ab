/**
 * The content type of a file from its bytes (magic numbers, through `file-type`), never from its
 * name or the platform's label; plain text, which has no magic number, is recognised as valid
 * UTF-8 without NUL bytes. `judgeMedia` then says whether the kit takes it: a file whose bytes
 * are of another family than its label or name claims (an .exe named photo.jpg) is refused as
 * mislabelled, and only allowed types pass.
 */
import type { MediaKind } from './media.ts';

// file-type costs ≈ 130–230 ms to import here: loaded with the first inbound file, not at gateway start.
let detector: Promise<typeof import('file-type')> | undefined;

export interface SniffedType {
  mimeType: string;
  /** Extension for the stored file (no dot). */
  ext: string;
}

const BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp', heic: 'image/heic', bmp: 'image/bmp',
  pdf: 'application/pdf', txt: 'text/plain', md: 'text/markdown', csv: 'text/csv', json: 'application/json', log: 'text/plain',
  ogg: 'audio/ogg', oga: 'audio/ogg', opus: 'audio/ogg', mp3: 'audio/mpeg', m4a: 'audio/mp4', wav: 'audio/wav', webm: 'video/webm',
  mp4: 'video/mp4', mov: 'video/quicktime', exe: 'application/x-msdownload', zip: 'application/zip',
};

const TEXT_EXT: Readonly<Record<string, string>> = { 'text/markdown': 'md', 'text/csv': 'csv', 'application/json': 'json' };

/** `image/jpeg; q=1` → `image/jpeg`. */
export function baseType(mimeType: string): string {
  return mimeType.split(';', 1)[0]!.trim().toLowerCase();
}

/** What the name or label claims; undefined when neither says anything specific. */
export function claimedType(name: string | undefined, mimeType: string | undefined): string | undefined {
  const label = mimeType === undefined ? undefined : baseType(mimeType);
  if (label !== undefined && label !== '' && label !== 'application/octet-stream') return label;
  const ext = name === undefined ? undefined : /\.([A-Za-z0-9]{1,8})$/.exec(name)?.[1]?.toLowerCase();
  return ext === undefined ? undefined : BY_EXTENSION[ext];
}

function isText(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Undefined when the bytes are neither a known binary format nor text. */
export async function sniffType(bytes: Uint8Array, claimed?: string): Promise<SniffedType | undefined> {
  const { fileTypeFromBuffer } = await (detector ??= import('file-type'));
  const found = await fileTypeFromBuffer(bytes);
  if (found !== undefined) return { mimeType: baseType(found.mime), ext: found.ext };
  if (!isText(bytes)) return undefined;
  // Text has no magic number: a text label (markdown, csv, json) is believed once the bytes are text.
  const textual = claimed !== undefined && (claimed.startsWith('text/') || claimed in TEXT_EXT) ? claimed : 'text/plain';
  return { mimeType: textual, ext: TEXT_EXT[textual] ?? 'txt' };
}

export function kindOf(mimeType: string): MediaKind {
  const type = baseType(mimeType);
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/')) return 'audio';
  if (type.startsWith('video/')) return 'video';
  if (type === 'application/pdf' || type.startsWith('text/') || type === 'application/json') return 'document';
  return 'other';
}

export function typeAllowed(mimeType: string, allowed: readonly string[]): boolean {
  const type = baseType(mimeType);
  return allowed.some((pattern) => {
    const p = pattern.toLowerCase();
    return p.endsWith('/*') ? type.startsWith(p.slice(0, -1)) : p === type;
  });
}

/** Families a label and the bytes may differ within (a .jpg that is a PNG is still a picture). */
const family = (type: string) => (kindOf(type) === 'other' ? type : kindOf(type));

export type MediaVerdict =
  | { ok: true; sniffed: SniffedType }
  | { ok: false; reason: 'mislabelled' | 'type-not-allowed'; sniffed?: SniffedType; claimed?: string };

export async function judgeMedia(bytes: Uint8Array, claim: { name?: string; mimeType?: string }, allowed: readonly string[]): Promise<MediaVerdict> {
  const claimed = claimedType(claim.name, claim.mimeType);
  const sniffed = await sniffType(bytes, claimed);
  if (claimed !== undefined && (sniffed === undefined || family(sniffed.mimeType) !== family(claimed))) {
    return { ok: false, reason: 'mislabelled', claimed, ...(sniffed ? { sniffed } : {}) };
  }
  if (sniffed === undefined || !typeAllowed(sniffed.mimeType, allowed)) return { ok: false, reason: 'type-not-allowed', ...(sniffed ? { sniffed } : {}), ...(claimed ? { claimed } : {}) };
  return { ok: true, sniffed };
}
