/** Matrix outbound media: the bytes go to the media repository, then an m.image / m.file event points at the mxc:// URI. */
import { describe, expect, it } from 'vitest';
import { ALICE, startMatrix } from './harness.ts';
import { PNG_1X1 } from '../../helpers/media-files.ts';
import { outboundAttachment } from '../../../sdk/channels/index.ts';

describe('channel-matrix: outbound media', () => {
  it('uploads an image then sends m.image, and a text file as m.file, with the caption as body', async () => {
    const h = await startMatrix();
    const roomId = h.mx.room([ALICE], { direct: true });
    const target = { chatType: 'dm' as const, chatId: roomId };
    await h.channels.send('matrix', target, '', { attachments: [await outboundAttachment(PNG_1X1, 'chart.png', 'monthly sales'), await outboundAttachment(Buffer.from('a,b\n'), 'data.csv')] });
    expect(h.mx.sent).toHaveLength(2);
    const [image, file] = h.mx.sent as [typeof h.mx.sent[0], typeof h.mx.sent[0]];
    expect(image).toMatchObject({ roomId, content: { msgtype: 'm.image', body: 'monthly sales', filename: 'chart.png', info: { mimetype: 'image/png', size: PNG_1X1.length } } });
    const stored = h.mx.media.get(image.content['url'] as string)!;
    expect(stored).toMatchObject({ filename: 'chart.png', contentType: 'image/png' });
    expect(stored.bytes.equals(PNG_1X1)).toBe(true);
    expect(file.content).toMatchObject({ msgtype: 'm.file', body: 'data.csv', filename: 'data.csv', info: { mimetype: 'text/plain; charset=utf-8', size: 4 } });
    expect(h.mx.media.get(file.content['url'] as string)!.bytes.toString()).toBe('a,b\n');
  });

  it('retries a rate-limited upload after retry_after_ms', async () => {
    const h = await startMatrix();
    const roomId = h.mx.room([ALICE], { direct: true });
    h.mx.failNext('upload', { status: 429, retryAfterMs: 5 });
    await h.channels.send('matrix', { chatType: 'dm', chatId: roomId }, '', { attachments: [await outboundAttachment(PNG_1X1, 'dot.png')] });
    expect(h.mx.calls.filter((c) => c.endpoint === 'upload').map((c) => c.status)).toEqual([429, 200]);
    expect(h.mx.sent).toHaveLength(1);
    expect(h.status().outbound).toMatchObject({ retried: 1, sent: 1 });
  });
});
