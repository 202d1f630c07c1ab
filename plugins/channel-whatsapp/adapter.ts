/**
 * The WhatsApp `ChannelAdapter`: sends through the Graph API and shows "typing…" for the
 * message being answered (which also marks it read; refreshed at most every 20 s). Lifecycle
 * (connected once the gateway listens) and delivery health come from the SDK's webhook kit (moltbot/plugin-sdk/channels).
 */
import { ChannelSendError, type ChannelTarget, type DeliveryHealth, type OutboundAttachment, webhookAdapter, type WebhookAdapter } from '../../sdk/channels/index.ts';
import { WHATSAPP_MAX_UPLOAD, type GraphClient } from './graph.ts';
import { normalizePhone } from './phone.ts';

/** Longest text body the Cloud API takes. */
export const WHATSAPP_MAX_TEXT = 4096;
/** The typing indicator lasts up to 25 s: refreshing it more often only costs API calls. */
const TYPING_REFRESH_MS = 20_000;
const REMEMBERED_MESSAGES = 1000;

export function createWhatsAppAdapter(deps: { graph: GraphClient; health: DeliveryHealth; markRead: boolean; isListening(): boolean; now?: () => number }): WebhookAdapter {
  const now = deps.now ?? Date.now;
  // When "typing…" was last shown for a message (the indicator needs the id of the message answered).
  const typingAt = new Map<string, number>();
  const adapter: WebhookAdapter = webhookAdapter({
    id: 'whatsapp',
    maxMessageLength: WHATSAPP_MAX_TEXT,
    normalizeId: normalizePhone,
    async send(target: ChannelTarget, text: string) {
      if (target.chatType !== 'dm') throw new ChannelSendError('WhatsApp send: the Cloud API channel only has direct chats', { retryable: false });
      return deps.health.track(() => deps.graph.sendText(normalizePhone(target.chatId), text, target.replyTo));
    },
    maxMediaBytes: WHATSAPP_MAX_UPLOAD,
    async sendMedia(target: ChannelTarget, file: OutboundAttachment) {
      if (target.chatType !== 'dm') throw new ChannelSendError('WhatsApp send: the Cloud API channel only has direct chats', { retryable: false });
      return deps.health.track(() => deps.graph.sendMedia(normalizePhone(target.chatId), file, target.replyTo));
    },
    async typing(target: ChannelTarget) {
      const messageId = target.replyTo;
      if (!deps.markRead || target.chatType !== 'dm' || messageId === undefined) return;
      const last = typingAt.get(messageId);
      if (last !== undefined && now() - last < TYPING_REFRESH_MS) return;
      typingAt.delete(messageId);
      typingAt.set(messageId, now());
      if (typingAt.size > REMEMBERED_MESSAGES) typingAt.delete(typingAt.keys().next().value as string);
      await deps.graph.markRead(messageId, true).catch((error: unknown) => {
        adapter.host?.log.debug({ err: error }, 'WhatsApp typing indicator failed (ignored)');
      });
    },
  }, deps);
  return adapter;
}
