/**
 * The webchat adapter: the gateway's own WebSocket clients as a channel. Inbound needs no
 * adapter (authenticated clients are the owner and talk to the main session through RPC
 * `chat.send`); outbound makes webchat a delivery target: `channels.send('webchat', …)` (a cron
 * job's result, a notification) reaches the authenticated clients as a `chat.message` event —
 * the one connection named by `chatId` when it is a live connection id, else every client.
 */
import type { GatewayService } from '../../sdk/gateway/index.ts';
import { ChannelSendError, type ChannelAdapter, type ChannelHost, type ChannelTarget, type OutboundAttachment } from '../../sdk/channels/index.ts';
import type { StoredMedia, WebchatMediaStore } from './media-store.ts';

export const WEBCHAT_EVENT = 'chat.message';
/** One event frame stays well under the gateway's payload limits. */
export const WEBCHAT_MAX_MESSAGE = 64_000;

/** Files sent to webchat: stored by the gateway, fetched from `url` with the client's credential. */
export const WEBCHAT_MAX_MEDIA = 20 * 1024 * 1024;

export interface ChatMessageEvent {
  channel: 'webchat';
  chatId: string;
  text: string;
  at: number;
  replyTo?: string;
  /** A file (added after v1): the text is its caption; images render inline, other files as download links. */
  attachments?: StoredMedia[];
}

export function createWebchatAdapter(gateway: () => GatewayService | undefined, media?: () => WebchatMediaStore): ChannelAdapter {
  let host: ChannelHost | undefined;
  const deliver = (target: ChannelTarget, payload: ChatMessageEvent) => {
    const service = gateway();
    if (service?.address() === undefined) throw new ChannelSendError('the gateway is not listening', { retryable: true });
    if (service.sendTo(target.chatId, WEBCHAT_EVENT, payload)) return {};
    const delivered = service.broadcast(WEBCHAT_EVENT, payload, 'read');
    host?.log.debug({ delivered }, 'webchat message broadcast');
    return {};
  };
  return {
    id: 'webchat',
    maxMessageLength: WEBCHAT_MAX_MESSAGE,
    ...(media === undefined ? {} : {
      maxMediaBytes: WEBCHAT_MAX_MEDIA,
      async sendMedia(target: ChannelTarget, file: OutboundAttachment) {
        if (gateway()?.address() === undefined) throw new ChannelSendError('the gateway is not listening', { retryable: true });
        const stored = await media().put(file);
        return deliver(target, { channel: 'webchat', chatId: target.chatId, text: file.caption ?? '', at: Date.now(), attachments: [stored], ...(target.replyTo ? { replyTo: target.replyTo } : {}) });
      },
    }),
    async start(channelHost) {
      host = channelHost;
      const service = gateway();
      if (service?.address() === undefined) {
        host.setState('degraded', new Error('no gateway is listening: webchat needs the gateway plugin'));
        return;
      }
      host.setState('connected');
    },
    async stop() {
      host?.setState('stopped');
    },
    async send(target: ChannelTarget, text: string) {
      return deliver(target, { channel: 'webchat', chatId: target.chatId, text, at: Date.now(), ...(target.replyTo ? { replyTo: target.replyTo } : {}) });
    },
  };
}
