/** Discord outbound media: a file goes as one message with an attachment (multipart payload_json + files[0]). */
import { describe, expect, it } from 'vitest';
import { ALICE, startDiscord } from './harness.ts';
import { PNG_1X1 } from '../../helpers/media-files.ts';
import { DISCORD_MAX_UPLOAD } from '../../helpers/fake-discord.ts';
import { outboundAttachment } from '../../../sdk/channels/index.ts';

describe('channel-discord: outbound media', () => {
  it('uploads an image to the DM channel as payload_json + files[0] with the caption as content', async () => {
    const h = await startDiscord();
    const dm = { chatType: 'dm' as const, chatId: ALICE.id };
    await h.channels.send('discord', dm, 'The chart:', { attachments: [await outboundAttachment(PNG_1X1, 'chart.png', 'monthly sales')] });
    expect(h.dc.sent.map((m) => m.content)).toEqual(['The chart:']);
    expect(h.dc.uploads).toHaveLength(1);
    const [upload] = h.dc.uploads as [typeof h.dc.uploads[0]];
    expect(upload).toMatchObject({ channelId: h.dc.dmChannelOf(ALICE.id), content: 'monthly sales', attachments: [{ id: 0, filename: 'chart.png' }] });
    expect(upload.files).toHaveLength(1);
    expect(upload.files[0]).toMatchObject({ field: 'files[0]', fileName: 'chart.png', type: 'image/png' });
    expect(upload.files[0]!.bytes.equals(PNG_1X1)).toBe(true);
    expect(h.dc.calls.filter((c) => c.path.endsWith('/messages')).every((c) => c.status === 200)).toBe(true);
  });

  it('refuses a file over the bot upload limit before it reaches Discord', async () => {
    const h = await startDiscord();
    const big = await outboundAttachment(Buffer.alloc(DISCORD_MAX_UPLOAD + 1), 'big.bin');
    await expect(h.channels.send('discord', { chatType: 'dm', chatId: ALICE.id }, '', { attachments: [big] })).rejects.toMatchObject({ code: 'MOLT_ERR_CHANNEL_MEDIA_REFUSED' });
    expect(h.dc.uploads).toEqual([]);
  });
});
