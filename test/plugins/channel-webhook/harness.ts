/**
 * Webhook channel test kit: a callback receiver (receiver.ts) and a channel gateway
 * (test/helpers/channel-gateway.ts) whose `channels.webhook` calls it back.
 */
import type { ChannelStatus } from '../../../sdk/channels/contract.ts';
import { startChannelGateway, type ChannelGateway } from '../../helpers/channel-gateway.ts';
import { postMessage, SECRET, startReceiver, type Receiver } from './receiver.ts';

export { until } from '../../helpers/channel-gateway.ts';

export interface WebhookHarness extends ChannelGateway {
  receiver: Receiver;
  inboundUrl: string;
  post(message: Record<string, unknown>, options?: { secret?: string; timestamp?: number; signature?: string }): Promise<{ status: number; body: any }>;
  status(): ChannelStatus;
}

/** `section` goes under channels.webhook; `callbackToken` replaces the token in the callback URL's query. */
export async function startWebhook(section: Record<string, unknown> = {}, options: { callbackToken?: string } = {}): Promise<WebhookHarness> {
  const secret = (section.secret as string | undefined) ?? SECRET;
  const receiver = await startReceiver(secret);
  const callbackUrl = options.callbackToken === undefined ? receiver.url : receiver.url.replace('token=abc', `token=${options.callbackToken}`);
  const gateway = await startChannelGateway({ webhook: { secret, callbackUrl, ...section } });
  const inboundUrl = `${gateway.httpUrl}${(section.path as string | undefined) ?? '/channels/webhook'}`;
  return {
    ...gateway,
    receiver,
    inboundUrl,
    post: (message, options) => postMessage(inboundUrl, message, options),
    status: () => gateway.statusOf('webhook'),
  };
}
