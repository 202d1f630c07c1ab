/**
 * Webhook event bodies (`object: "whatsapp_business_account"`) → inbound messages. A body
 * holds `entry[].changes[].value` with `messages` (what people sent), `contacts` (their
 * profile names) and `statuses` (sent/delivered/read/failed receipts of our own messages).
 * Only changes for our phone number id are taken; anything unrecognised is skipped, never thrown.
 */
import type { ChannelInbound } from '../../sdk/channels/index.ts';

export interface DeliveryStatus {
  messageId: string;
  status: string;
  recipient?: string;
  /** For `failed`: the API's code and title. */
  error?: { code?: number; title?: string };
}

export interface ParsedEvents {
  messages: ChannelInbound[];
  statuses: DeliveryStatus[];
  /** Changes skipped (another phone number, an unknown field or message type). */
  skipped: number;
}

type Json = Record<string, any>;

const MEDIA = ['image', 'video', 'audio', 'document', 'sticker'] as const;

function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter((item): item is Json => typeof item === 'object' && item !== null) : [];
}

/** Text of one message: its body, a caption, a button or list answer, a location; undefined when nothing readable. */
function textOf(message: Json): string | undefined {
  switch (message.type) {
    case 'text':
      return typeof message.text?.body === 'string' ? message.text.body : undefined;
    case 'button':
      return typeof message.button?.text === 'string' ? message.button.text : undefined;
    case 'interactive': {
      const reply = message.interactive?.button_reply ?? message.interactive?.list_reply;
      return typeof reply?.title === 'string' ? reply.title : undefined;
    }
    case 'location': {
      const { latitude, longitude, name } = message.location ?? {};
      if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
      return `[location${typeof name === 'string' ? ` ${name}` : ''}: ${latitude}, ${longitude}]`;
    }
    default:
      if ((MEDIA as readonly string[]).includes(message.type)) {
        const media = message[message.type] ?? {};
        if (typeof media.caption === 'string' && media.caption !== '') return media.caption;
        return `[${message.type}${typeof media.filename === 'string' ? `: ${media.filename}` : ''}]`;
      }
      return undefined;
  }
}

function attachmentsOf(message: Json, download: ((mediaId: string) => (signal: AbortSignal) => Promise<Response>) | undefined): ChannelInbound['attachments'] {
  if (!(MEDIA as readonly string[]).includes(message.type)) return undefined;
  const media = message[message.type] ?? {};
  return [{
    ...(typeof media.filename === 'string' ? { name: media.filename } : {}),
    ...(typeof media.mime_type === 'string' ? { mimeType: media.mime_type } : {}),
    // The media id; the file itself needs GET /{media-id} with the access token.
    ...(typeof media.id === 'string' ? { url: `whatsapp-media:${media.id}` } : {}),
    ...(typeof media.id === 'string' && download !== undefined ? { download: download(media.id) } : {}),
  }];
}

export function parseEvents(body: unknown, phoneNumberId: string, normalize: (id: string) => string, download?: (mediaId: string) => (signal: AbortSignal) => Promise<Response>): ParsedEvents {
  const parsed: ParsedEvents = { messages: [], statuses: [], skipped: 0 };
  if (typeof body !== 'object' || body === null || (body as Json).object !== 'whatsapp_business_account') return parsed;
  for (const entry of asArray((body as Json).entry)) {
    for (const change of asArray(entry.changes)) {
      const value = change.value ?? {};
      if (change.field !== 'messages' || String(value.metadata?.phone_number_id ?? '') !== phoneNumberId) {
        parsed.skipped++;
        continue;
      }
      const names = new Map(asArray(value.contacts).map((contact) => [String(contact.wa_id ?? ''), contact.profile?.name]));
      for (const message of asArray(value.messages)) {
        const text = textOf(message);
        if (typeof message.from !== 'string' || typeof message.id !== 'string' || text === undefined) {
          parsed.skipped++;
          continue;
        }
        const sender = normalize(message.from);
        const name = names.get(message.from);
        const seconds = Number(message.timestamp);
        const attachments = attachmentsOf(message, download);
        parsed.messages.push({
          sender,
          ...(typeof name === 'string' ? { senderName: name } : {}),
          chatType: 'dm',
          chatId: sender,
          text,
          messageId: message.id,
          ...(attachments ? { attachments } : {}),
          ...(Number.isFinite(seconds) && seconds > 0 ? { receivedAt: seconds * 1000 } : {}),
        });
      }
      for (const status of asArray(value.statuses)) {
        if (typeof status.id !== 'string' || typeof status.status !== 'string') continue;
        const error = asArray(status.errors)[0];
        parsed.statuses.push({
          messageId: status.id,
          status: status.status,
          ...(typeof status.recipient_id === 'string' ? { recipient: status.recipient_id } : {}),
          ...(error ? { error: { ...(typeof error.code === 'number' ? { code: error.code } : {}), ...(typeof error.title === 'string' ? { title: error.title } : {}) } } : {}),
        });
      }
    }
  }
  return parsed;
}
