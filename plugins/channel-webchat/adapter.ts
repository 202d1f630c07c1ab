/**
 * The webchat adapter: the gateway's own WebSocket clients as a channel. Inbound needs no
 * adapter (authenticated clients are the owner and talk to the main session through RPC
 * `chat.send`); outbound makes webchat a delivery target: `channels.send('webchat', …)` (a cron
 * job's result, a notification) reaches the authenticated clients as a `chat.message` event —
 * the one connection named by `chatId` when it is a live connection id, else every client.
 */
import type { GatewayService } from '../../sdk/gateway/index.ts';
import { ChannelSendError, type ChannelAdapter, type ChannelHost, type ChannelTarget } from '../../sdk/channels/index.ts';

export const WEBCHAT_EVENT = 'chat.message';
/** One event frame stays well under the gateway's payload limits. */
export const WEBCHAT_MAX_MESSAGE = 64_000;

export interface ChatMessageEvent {
  channel: 'webchat';
  chatId: string;
  text: string;
  at: number;
  replyTo?: string;
}

export function createWebchatAdapter(gateway: () => GatewayService | undefined): ChannelAdapter {
  let host: ChannelHost | undefined;
  return {
    id: 'webchat',
    maxMessageLength: WEBCHAT_MAX_MESSAGE,
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
      const service = gateway();
      if (service?.address() === undefined) throw new ChannelSendError('the gateway is not listening', { retryable: true });
      const payload: ChatMessageEvent = { channel: 'webchat', chatId: target.chatId, text, at: Date.now(), ...(target.replyTo ? { replyTo: target.replyTo } : {}) };
      if (service.sendTo(target.chatId, WEBCHAT_EVENT, payload)) return {};
      const delivered = service.broadcast(WEBCHAT_EVENT, payload, 'read');
      host?.log.debug({ delivered }, 'webchat message broadcast');
      return {};
    },
  };
}
