/**
 * The Graph API calls the channel makes, all on `POST {apiBaseUrl}/{apiVersion}/{phoneNumberId}/messages`
 * with `Authorization: Bearer <accessToken>`: send a text (threaded with `context` when it
 * answers a message), upload a file (`/{phoneNumberId}/media`) and send it by media id, mark a
 * message read, show the typing indicator. Failures become
 * `ChannelSendError`s: retryable for network errors, 429, 5xx and the API's rate-limit and
 * temporary error codes (whatever HTTP status carries them); not retryable otherwise
 * (expired token, 24-hour window closed, invalid number…).
 */
import { ChannelSendError, httpSendError, postJson, postMultipart, type OutboundAttachment, type PostResult } from '../../sdk/channels/index.ts';
import type { WhatsAppSettings } from './settings.ts';

/** Rate limits: app (4, 17, 32, 613), business account (80007), throughput (130429), pair (131056), spam (131048). */
export const RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 17, 32, 613, 80007, 130429, 131048, 131056]);
/** Temporary failures the API says to retry: unknown (1), unavailable (2), something went wrong (131000), service unavailable (131016). */
export const TEMPORARY_CODES: ReadonlySet<number> = new Set([1, 2, 131000, 131016]);
/** Cloud API media limits: documents up to 100 MB, images (JPEG/PNG) up to 5 MB. */
export const WHATSAPP_MAX_UPLOAD = 100 * 1000 * 1000;
const WHATSAPP_MAX_IMAGE = 5 * 1000 * 1000;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png']);
/** The pair rate limit allows about one message every 6 s to the same number. */
const PAIR_RATE_LIMIT_WAIT_MS = 6000;

export interface GraphError {
  code?: number;
  subcode?: number;
  message?: string;
}

export function graphError(body: unknown): GraphError {
  const error = (body as { error?: { code?: unknown; error_subcode?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof error !== 'object' || error === null) return {};
  return {
    ...(typeof error.code === 'number' ? { code: error.code } : {}),
    ...(typeof error.error_subcode === 'number' ? { subcode: error.error_subcode } : {}),
    ...(typeof error.message === 'string' ? { message: error.message.slice(0, 200) } : {}),
  };
}

/** Maps a failed Graph answer onto the retry decision. */
export function classifyGraphFailure(label: string, result: PostResult): ChannelSendError {
  const error = graphError(result.body);
  const detail = error.code === undefined ? error.message : `code ${error.code}${error.message ? `: ${error.message}` : ''}`;
  const base = httpSendError(label, result, detail);
  const code = error.code;
  if (code === undefined || base.retryable) {
    if (code === 131056 && base.retryAfterMs === undefined) return new ChannelSendError(base.message, { retryable: true, retryAfterMs: PAIR_RATE_LIMIT_WAIT_MS });
    return base;
  }
  if (RATE_LIMIT_CODES.has(code) || TEMPORARY_CODES.has(code)) {
    const wait = base.retryAfterMs ?? (code === 131056 ? PAIR_RATE_LIMIT_WAIT_MS : undefined);
    return new ChannelSendError(base.message, { retryable: true, ...(wait === undefined ? {} : { retryAfterMs: wait }) });
  }
  return base;
}

export interface GraphClient {
  sendText(to: string, text: string, replyTo?: string): Promise<{ messageId?: string }>;
  /** Uploads the file (`POST /{phoneNumberId}/media`, multipart), then sends an image or document message with its media id. */
  sendMedia(to: string, file: OutboundAttachment, replyTo?: string): Promise<{ messageId?: string }>;
  /** Marks the message read; with `typing` also shows "typing…" to its sender (up to 25 s or until the answer). */
  markRead(messageId: string, typing: boolean): Promise<void>;
}

// No abort signal: the kernel aborts its signal when closing begins, and the channels service
// still drains queued replies then; every request is bounded by requestTimeoutMs instead.
export function createGraphClient(settings: WhatsAppSettings): GraphClient {
  const call = async (payload: Record<string, unknown>, label: string): Promise<PostResult> => {
    const { phoneNumberId, accessToken } = settings.credentials();
    const url = `${settings.apiBaseUrl}/${settings.apiVersion}/${phoneNumberId}/messages`;
    const result = await postJson(url, JSON.stringify({ messaging_product: 'whatsapp', ...payload }), {
      headers: { Authorization: `Bearer ${accessToken}` },
      timeoutMs: settings.requestTimeoutMs,
      label,
    });
    if (result.status < 200 || result.status > 299) throw classifyGraphFailure(label, result);
    return result;
  };
  const upload = async (file: OutboundAttachment): Promise<string> => {
    const { phoneNumberId, accessToken } = settings.credentials();
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', file.mimeType.split(';')[0]!);
    form.append('file', new Blob([file.data as Uint8Array<ArrayBuffer>], { type: file.mimeType }), file.name);
    const label = 'WhatsApp media upload';
    const result = await postMultipart(`${settings.apiBaseUrl}/${settings.apiVersion}/${phoneNumberId}/media`, form, {
      headers: { Authorization: `Bearer ${accessToken}` }, timeoutMs: settings.requestTimeoutMs, label,
    });
    if (result.status < 200 || result.status > 299) throw classifyGraphFailure(label, result);
    const id = (result.body as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string') throw new ChannelSendError(`${label}: the answer carried no media id`, { retryable: true });
    return id;
  };
  return {
    async sendMedia(to, file, replyTo) {
      const mediaId = await upload(file);
      // Images show inline only as JPEG/PNG up to 5 MB; anything else goes as a document (up to 100 MB).
      const image = file.kind === 'image' && IMAGE_TYPES.has(file.mimeType) && file.size <= WHATSAPP_MAX_IMAGE;
      const caption = file.caption ? { caption: file.caption.slice(0, 1024) } : {};
      const result = await call({
        recipient_type: 'individual',
        to,
        ...(image ? { type: 'image', image: { id: mediaId, ...caption } } : { type: 'document', document: { id: mediaId, filename: file.name, ...caption } }),
        ...(replyTo ? { context: { message_id: replyTo } } : {}),
      }, 'WhatsApp send');
      const id = (result.body as { messages?: { id?: unknown }[] } | undefined)?.messages?.[0]?.id;
      return typeof id === 'string' ? { messageId: id } : {};
    },
    async sendText(to, text, replyTo) {
      const result = await call({
        recipient_type: 'individual',
        to,
        type: 'text',
        text: { preview_url: false, body: text },
        ...(replyTo ? { context: { message_id: replyTo } } : {}),
      }, 'WhatsApp send');
      const id = (result.body as { messages?: { id?: unknown }[] } | undefined)?.messages?.[0]?.id;
      return typeof id === 'string' ? { messageId: id } : {};
    },
    async markRead(messageId, typing) {
      await call({ status: 'read', message_id: messageId, ...(typing ? { typing_indicator: { type: 'text' } } : {}) }, 'WhatsApp mark-read');
    },
  };
}
