/**
 * Inbound attachments → what the agent gets: each downloadable attachment goes through the
 * media kit (takeAttachment: caps, sniffed type, storage in the session's media folder), then
 * images become media references (image parts for models that take images), audio becomes a
 * transcript (or a clear "cannot hear audio" note), documents become their text (or a note).
 * Refusals come back for the sender; attachments without a download stay metadata lines.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../../sdk/core/index.ts';
import { formatBytes, takeAttachment, type InboundAttachment, type MediaInput, type MediaRef } from '../../sdk/channels/index.ts';
import { documentText } from './document-text.ts';
import type { MediaSettings } from './media-settings.ts';
import { transcribe } from './transcribe.ts';

export type { MediaInput };

export interface MediaInputContext {
  settings: MediaSettings;
  stateDir: string;
  sessionKey: string;
  signal: AbortSignal;
  log: Logger;
}

/** The metadata line of an attachment the channel cannot download (or with media off). */
export function metadataLine(file: InboundAttachment): string {
  const facts = [file.mimeType, file.size !== undefined ? `${file.size} bytes` : undefined].filter(Boolean).join(', ');
  return `[attachment: ${file.name ?? 'unnamed'}${facts ? ` (${facts})` : ''}]`;
}

const label = (media: MediaRef) => `${media.name} (${media.mimeType}, ${formatBytes(media.size)})`;

async function describe(media: MediaRef, context: MediaInputContext): Promise<string> {
  const { settings } = context;
  if (media.kind === 'image') return `[image: ${label(media)}]`;
  if (media.kind === 'audio') {
    if (settings.transcription === undefined) {
      return `[audio: ${label(media)} — I cannot hear audio: no transcription service is configured (channels plugin option media.transcription), so what it says is unknown]`;
    }
    try {
      const bytes = await readFile(join(context.stateDir, media.file));
      const text = await transcribe(bytes, media.name, media.mimeType, settings.transcription, context.signal);
      return `[audio: ${label(media)}, transcribed]\n${text}\n[end of transcript]`;
    } catch (error) {
      context.log.warn({ err: error, file: media.file }, 'audio transcription failed');
      return `[audio: ${label(media)} — transcription failed, so what it says is unknown]`;
    }
  }
  if (media.kind === 'document') {
    try {
      const bytes = await readFile(join(context.stateDir, media.file));
      const extracted = await documentText(bytes, media.mimeType, { maxChars: settings.maxTextChars, maxPages: settings.maxPdfPages });
      if (extracted === undefined) return `[document: ${label(media)} — it holds no text I can read (a scanned PDF?)]`;
      const cut = extracted.truncated ? ' (cut: only the beginning is shown)' : '';
      return `[document: ${label(media)}${cut}]\n${extracted.text}\n[end of ${media.name}]`;
    } catch (error) {
      context.log.warn({ err: error, file: media.file }, 'document text extraction failed');
      return `[document: ${label(media)} — its text could not be read]`;
    }
  }
  return `[${media.kind}: ${label(media)} — I cannot read this kind of file]`;
}

export async function prepareMedia(attachments: readonly InboundAttachment[], context: MediaInputContext): Promise<MediaInput> {
  const result: MediaInput = { notes: [], media: [], refusals: [] };
  for (const attachment of attachments) {
    if (!context.settings.enabled || attachment.download === undefined) {
      result.notes.push(metadataLine(attachment));
      continue;
    }
    const intake = await takeAttachment(attachment, { limits: context.settings, stateDir: context.stateDir, sessionKey: context.sessionKey, signal: context.signal });
    if (intake.status === 'refused') {
      context.log.info({ reason: intake.refusal.reason, name: intake.refusal.name }, 'inbound file refused');
      result.refusals.push(intake.refusal);
      result.notes.push(`[attachment refused: ${intake.refusal.name} — ${intake.refusal.reason}; the sender was told]`);
      continue;
    }
    result.media.push(intake.media);
    result.notes.push(await describe(intake.media, context));
  }
  return result;
}
