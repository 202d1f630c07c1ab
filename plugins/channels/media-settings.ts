/** The `channels` plugin option `media`, with defaults: what the media kit accepts and how files reach the model. */
import type { MediaLimits } from '../../sdk/channels/index.ts';

export interface TranscriptionSettings {
  /** OpenAI-compatible base URL; the kit POSTs `<baseURL>/audio/transcriptions`. */
  baseURL: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
}

export interface MediaSettings extends MediaLimits {
  enabled: boolean;
  /** Stored media older than this is deleted (0 keeps it forever). */
  retentionDays: number;
  /** Text of one document (text file or PDF) given to the model, at most. */
  maxTextChars: number;
  /** Pages of one PDF read for text, at most. */
  maxPdfPages: number;
  transcription?: TranscriptionSettings;
}

export const DEFAULT_ALLOWED_TYPES = Object.freeze(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'audio/*', 'application/pdf', 'text/*', 'application/json']);

export interface MediaOptionsInput {
  enabled?: boolean;
  maxBytes?: number;
  allowedTypes?: string[];
  timeoutMs?: number;
  retentionDays?: number;
  maxTextChars?: number;
  maxPdfPages?: number;
  transcription?: { baseURL: string; apiKey?: string; model?: string; timeoutMs?: number };
}

export function resolveMediaSettings(input: MediaOptionsInput | undefined): MediaSettings {
  const media = input ?? {};
  const t = media.transcription;
  return Object.freeze({
    enabled: media.enabled ?? true,
    // Telegram's Bot API serves files up to 20 MB: the same default everywhere.
    maxBytes: media.maxBytes ?? 20 * 1024 * 1024,
    allowedTypes: Object.freeze([...(media.allowedTypes ?? DEFAULT_ALLOWED_TYPES)]),
    timeoutMs: media.timeoutMs ?? 30_000,
    retentionDays: media.retentionDays ?? 30,
    maxTextChars: media.maxTextChars ?? 50_000,
    maxPdfPages: media.maxPdfPages ?? 50,
    ...(t ? { transcription: Object.freeze({ baseURL: t.baseURL.replace(/\/+$/, ''), ...(t.apiKey ? { apiKey: t.apiKey } : {}), model: t.model ?? 'whisper-1', timeoutMs: t.timeoutMs ?? 60_000 }) } : {}),
  });
}
