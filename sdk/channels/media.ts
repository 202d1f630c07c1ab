/**
 * Media types shared by every channel (inbound here; outbound media uses the same names). One
 * file so the inbound and outbound sides agree on them. The download kit (size cap, type
 * allowlist, timeout, sniffed content type, storage) is in media-intake.ts and its parts.
 */
import type { MediaRef } from '../agent/index.ts';

export type { MediaRef };
export type MediaKind = MediaRef['kind'];

/**
 * An attachment as the platform announced it. `name`, `mimeType` and `size` are the sender's
 * or platform's claims (never trusted for a decision beyond refusing early what claims to be
 * too big); `download` fetches the bytes (the adapter adds its credentials there, so a URL with
 * a token never leaves the adapter).
 */
export interface InboundAttachment {
  name?: string;
  mimeType?: string;
  size?: number;
  /** Where the platform keeps it (shown to nobody; informative). */
  url?: string;
  /** The HTTP response carrying the bytes; the kit reads its body under the size cap. Added after v1. */
  download?: (signal: AbortSignal) => Promise<Response>;
}

/** What the kit accepts (`channels` plugin option `media`, resolved). */
export interface MediaLimits {
  /** Largest file, in bytes, counted while streaming. */
  maxBytes: number;
  /** Content types accepted after sniffing (`image/*` style wildcards allowed). */
  allowedTypes: readonly string[];
  /** Whole download, in ms. */
  timeoutMs: number;
}

export type MediaRefusalReason = 'too-large' | 'type-not-allowed' | 'mislabelled' | 'download-failed' | 'timeout' | 'no-download';

/** A file the kit did not take, with the sentence the sender is told. */
export interface MediaRefusal {
  reason: MediaRefusalReason;
  name: string;
  /** Plain words for the sender (no URL, no token). */
  message: string;
}

export type MediaIntake = { status: 'stored'; media: MediaRef } | { status: 'refused'; refusal: MediaRefusal };

/**
 * What the agent gets for a message's attachments (`ChannelsService.prepareMedia`): images as
 * references (image parts for models that take images), audio as its transcript or a note,
 * documents as their text or a note. Added after v1.
 */
export interface MediaInput {
  /** Lines for the agent's message text, one block per attachment. */
  notes: string[];
  /** Every stored file (transcript references; images also reach vision models). */
  media: MediaRef[];
  refusals: MediaRefusal[];
}
