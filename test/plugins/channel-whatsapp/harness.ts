/**
 * WhatsApp test kit: the fake WhatsApp Cloud API (test/helpers/fake-whatsapp.ts) and a channel
 * gateway (test/helpers/channel-gateway.ts) whose `channels.whatsapp` points at it.
 */
import { onTestFinished } from 'vitest';
import type { ChannelStatus } from '../../../sdk/channels/contract.ts';
import { startChannelGateway, type ChannelGateway, type ChannelGatewayOptions } from '../../helpers/channel-gateway.ts';
import { startFakeWhatsApp, type FakeWhatsApp } from '../../helpers/fake-whatsapp.ts';

export { until } from '../../helpers/channel-gateway.ts';

export const VERIFY_TOKEN = 'verify-token-for-tests-42';

export interface WhatsAppHarness extends ChannelGateway {
  wa: FakeWhatsApp;
  webhookUrl: string;
  /** A signed text message from `from`, as Meta posts it. */
  send(from: string, text: string, id?: string): Promise<{ status: number; body: string }>;
  status(): ChannelStatus;
}

/** `section` goes under channels.whatsapp, over the fake's credentials and URL; `credentials: false` leaves them out. */
export async function startWhatsApp(section: Record<string, unknown> = {}, options: { credentials?: boolean; wa?: FakeWhatsApp; /** Provider format, image support, channels options (media). */ gateway?: ChannelGatewayOptions } = {}): Promise<WhatsAppHarness> {
  const wa = options.wa ?? await startFakeWhatsApp();
  onTestFinished(() => wa.close());
  const credentials = options.credentials === false ? {} : { phoneNumberId: wa.phoneNumberId, accessToken: wa.accessToken, appSecret: wa.appSecret, verifyToken: VERIFY_TOKEN };
  const gateway = await startChannelGateway({ whatsapp: { apiBaseUrl: wa.url, ...credentials, ...section } }, options.gateway ?? {});
  const webhookUrl = `${gateway.httpUrl}/channels/whatsapp/webhook`;
  return {
    ...gateway,
    wa,
    webhookUrl,
    send: (from, text, id) => wa.deliver(webhookUrl, wa.messageEvent({ from, text, ...(id ? { id } : {}) })),
    status: () => gateway.statusOf('whatsapp'),
  };
}
