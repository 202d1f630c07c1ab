/** WhatsApp outbound media against the fake Cloud API: multipart upload to /media, then a message by media id. */
import { describe, expect, it, onTestFinished } from 'vitest';
import { createGraphClient } from '../../../plugins/channel-whatsapp/graph.ts';
import { resolveWhatsAppSettings } from '../../../plugins/channel-whatsapp/settings.ts';
import { outboundAttachment } from '../../../sdk/channels/index.ts';
import { startFakeWhatsApp } from '../../helpers/fake-whatsapp.ts';
import { PNG_1X1 } from '../../helpers/media-files.ts';

async function setup() {
  const wa = await startFakeWhatsApp();
  onTestFinished(() => wa.close());
  const settings = resolveWhatsAppSettings({ apiBaseUrl: `${wa.url}/`, phoneNumberId: wa.phoneNumberId, accessToken: wa.accessToken, appSecret: 'a', verifyToken: 'v' }, {}, {});
  return { wa, graph: createGraphClient(settings) };
}

describe('channel-whatsapp: outbound media', () => {
  it('uploads a PNG and sends an image message with its media id and caption, threaded', async () => {
    const { wa, graph } = await setup();
    const result = await graph.sendMedia('15551234567', await outboundAttachment(PNG_1X1, 'chart.png', 'monthly sales'), 'wamid.q1');
    expect(result.messageId).toMatch(/^wamid\.fake/);
    expect(wa.sentMedia).toEqual([expect.objectContaining({ to: '15551234567', type: 'image', caption: 'monthly sales', replyTo: 'wamid.q1' })]);
    const uploaded = wa.media.get(wa.sentMedia[0]!.mediaId)!;
    expect(uploaded).toMatchObject({ type: 'image/png', fileName: 'chart.png' });
    expect(uploaded.bytes.equals(PNG_1X1)).toBe(true);
    expect(wa.requests.map((r) => [r.path.split('/').pop(), r.authorized, r.status])).toEqual([['media', true, 200], ['messages', true, 200]]);
  });

  it('sends other files as a document with the file name; a rate-limited upload is retryable', async () => {
    const { wa, graph } = await setup();
    await graph.sendMedia('15551234567', await outboundAttachment(Buffer.from('%PDF-1.4\n'), 'report.pdf'));
    expect(wa.sentMedia).toEqual([expect.objectContaining({ type: 'document', filename: 'report.pdf' })]);
    expect(wa.media.get(wa.sentMedia[0]!.mediaId)!.type).toBe('application/pdf');
    wa.fail({ status: 429, code: 130429, message: 'Rate limit hit' });
    await expect(graph.sendMedia('15551234567', await outboundAttachment(PNG_1X1, 'x.png'))).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('WhatsApp media upload: HTTP 429') });
  });
});
