/**
 * The WhatsApp `ChannelAdapter`: sends through the Graph API, shows "typing…" for the message
 * being answered (which also marks it read; refreshed at most every 20 s), and reports `connected` once the gateway listens (the webhook
 * route is how messages arrive). Delivery health (degraded, alert on a final failure) comes
 * from the shared channels-http module.
 */
import type { ChannelAdapter, ChannelHost, ChannelTarget } from '../channels/contract.ts';
import { ChannelSendError } from '../channels/contract.ts';
import type { DeliveryHealth } from '../channels-http/delivery-health.ts';
import type { GraphClient } from './graph.ts';
import { normalizePhone } from './phone.ts';

/** Longest text body the Cloud API takes. */
export const WHATSAPP_MAX_TEXT = 4096;
/** The typing indicator lasts up to 25 s: refreshing it more often only costs API calls. */
const TYPING_REFRESH_MS = 20_000;
const REMEMBERED_MESSAGES = 1000;

export interface WhatsAppAdapter extends ChannelAdapter {
  /** The running host, undefined while stopped. */
  readonly host: ChannelHost | undefined;
  /** Called when the kernel is ready: connected once the gateway listens (the webhook can receive). */
  listening(): void;
}

export function createWhatsAppAdapter(deps: { graph: GraphClient; health: DeliveryHealth; markRead: boolean; isListening(): boolean; now?: () => number }): WhatsAppAdapter {
  const now = deps.now ?? Date.now;
  let host: ChannelHost | undefined;
  // When "typing…" was last shown for a message (the indicator needs the id of the message answered).
  const typingAt = new Map<string, number>();
  return {
    id: 'whatsapp',
    maxMessageLength: WHATSAPP_MAX_TEXT,
    normalizeId: normalizePhone,
    get host() {
      return host;
    },
    async start(next) {
      host = next;
      deps.health.attach(next);
      next.setState(deps.isListening() ? 'connected' : 'connecting');
    },
    async stop() {
      host?.setState('stopped');
      host = undefined;
      deps.health.attach(undefined);
    },
    listening() {
      if (deps.isListening()) host?.setState('connected');
    },
    async send(target: ChannelTarget, text: string) {
      if (target.chatType !== 'dm') throw new ChannelSendError('WhatsApp send: the Cloud API channel only has direct chats', { retryable: false });
      return deps.health.track(() => deps.graph.sendText(normalizePhone(target.chatId), text, target.replyTo));
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
        host?.log.debug({ err: error }, 'WhatsApp typing indicator failed (ignored)');
      });
    },
  };
}
