/** The Graph client and the adapter's typing indicator against the fake Cloud API (real HTTP). */
import { describe, expect, it, onTestFinished } from 'vitest';
import { ChannelSendError } from '../../../sdk/channels/contract.ts';
import { createWhatsAppAdapter } from '../../../plugins/channel-whatsapp/adapter.ts';
import { createGraphClient } from '../../../plugins/channel-whatsapp/graph.ts';
import { resolveWhatsAppSettings } from '../../../plugins/channel-whatsapp/settings.ts';
import { createDeliveryHealth } from '../../../sdk/channels/delivery-health.ts';
import { createLogger } from '../../../core/log.ts';
import { startFakeWhatsApp } from '../../helpers/fake-whatsapp.ts';

async function setup(accessToken?: string) {
  const wa = await startFakeWhatsApp();
  onTestFinished(() => wa.close());
  const settings = resolveWhatsAppSettings({ apiBaseUrl: `${wa.url}/`, phoneNumberId: wa.phoneNumberId, accessToken: accessToken ?? wa.accessToken, appSecret: 'a', verifyToken: 'v' }, {}, {});
  return { wa, graph: createGraphClient(settings) };
}

describe('Graph API client', () => {
  it('sends a threaded text with the bearer token and returns the message id', async () => {
    const { wa, graph } = await setup();
    expect(await graph.sendText('15551234567', 'hi', 'wamid.q1')).toEqual({ messageId: 'wamid.fake1' });
    expect(wa.sent).toMatchObject([{ to: '15551234567', text: 'hi', replyTo: 'wamid.q1' }]);
  });

  it('turns a rejected token into a final (non-retryable) error naming the Graph code', async () => {
    const { graph } = await setup('not-the-token');
    const error = await graph.sendText('15551234567', 'hi').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChannelSendError);
    expect(error).toMatchObject({ retryable: false, message: 'WhatsApp send: HTTP 401 (code 190: Invalid OAuth access token - Cannot parse access token)' });
  });

  it('a closed connection is retryable', async () => {
    const { wa, graph } = await setup();
    wa.fail({ drop: true });
    await expect(graph.sendText('15551234567', 'hi')).rejects.toMatchObject({ retryable: true });
  });

  it('shows typing for the answered message at most every 20 s', async () => {
    const { wa, graph } = await setup();
    let now = 1_000_000;
    const health = createDeliveryHealth({ channel: 'whatsapp', degradeAfter: 3, alert: async () => undefined, log: createLogger({ level: 'silent' }) });
    const adapter = createWhatsAppAdapter({ graph, health, markRead: true, isListening: () => true, now: () => now });
    const target = { chatType: 'dm' as const, chatId: '15551234567', replyTo: 'wamid.q1' };
    await adapter.typing!(target);
    now += 4000;
    await adapter.typing!(target);
    now += 17_000;
    await adapter.typing!(target);
    await adapter.typing!({ chatType: 'dm', chatId: '15551234567' });
    expect(wa.reads).toEqual([{ messageId: 'wamid.q1', typing: true }, { messageId: 'wamid.q1', typing: true }]);
  });
});
