/** Telegram outbound media: the agent's image reply arrives as a photo (sendPhoto multipart), other files as documents. */
import { describe, expect, it } from 'vitest';
import { ALICE, startTelegram, until } from './harness.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { PNG_1X1, placeFile } from '../../helpers/media-files.ts';

describe('channel-telegram: outbound media', () => {
  it('the agent\'s image reply arrives as a photo (multipart with the bytes), a text file as a document, after the reply text', async () => {
    const ws = useTempDir();
    const png = placeFile(ws.dir, 'chart.png', PNG_1X1);
    const csv = placeFile(ws.dir, 'numbers.csv', 'month,sales\njan,3\n');
    const h = await startTelegram({ settings: { dmPolicy: 'allowlist', allowFrom: ['42'] }, gateway: { workspace: ws.dir } });
    h.fake.script(
      { toolCall: { name: 'send_file', args: { path: 'chart.png', caption: 'Sales by month' } } },
      { toolCall: { name: 'send_file', args: { path: 'numbers.csv' } } },
      { text: 'Here is the chart and the data.' },
    );
    const update = await h.tg.message(ALICE, 'chart please');
    await h.tg.waitForCalls('sendDocument', 1);
    const [text] = await h.tg.waitForSent(1);
    expect(text).toMatchObject({ chatId: '42', text: 'Here is the chart and the data.', replyTo: update.message!.message_id });
    expect(h.tg.files.map((f) => f.method)).toEqual(['sendPhoto', 'sendDocument']);
    const [photo, document] = h.tg.files as [typeof h.tg.files[0], typeof h.tg.files[0]];
    expect(photo).toMatchObject({ chatId: '42', caption: 'Sales by month', file: { field: expect.any(String), fileName: 'chart.png' } });
    expect(photo.file.bytes.equals(png)).toBe(true);
    // The text already quoted the question: the files do not quote it again.
    expect(photo.replyTo).toBeUndefined();
    expect(document).toMatchObject({ chatId: '42', file: { fileName: 'numbers.csv' } });
    expect(document.file.bytes.equals(csv)).toBe(true);
    // The upload went as multipart/form-data, like grammy sends to the real Bot API.
    expect(h.tg.calls.find((c) => c.method === 'sendPhoto')!.status).toBe(200);
    await until(() => h.status().outbound.sent === 3, 'the service to count the text and both files');
    expect(h.status().outbound).toMatchObject({ sent: 3, failed: 0 });
  });

  it('retries an upload Telegram answered with 429 retry_after', async () => {
    const ws = useTempDir();
    placeFile(ws.dir, 'dot.png', PNG_1X1);
    const h = await startTelegram({ settings: { dmPolicy: 'allowlist', allowFrom: ['42'] }, gateway: { workspace: ws.dir } });
    h.tg.failNext('sendPhoto', { status: 429, retryAfter: 0 });
    h.fake.script({ toolCall: { name: 'send_file', args: { path: 'dot.png' } } }, { text: '' });
    await h.tg.message(ALICE, 'a dot');
    const calls = await h.tg.waitForCalls('sendPhoto', 2);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(h.tg.files).toHaveLength(1);
    expect(h.tg.sent).toEqual([]);
  });
});
