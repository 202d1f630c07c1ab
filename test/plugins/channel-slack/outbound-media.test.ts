/** Slack outbound media: the agent's image reply is shared as a file through the current upload flow. */
import { describe, expect, it } from 'vitest';
import { ALICE, startSlack, until } from './harness.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { PNG_1X1, placeFile } from '../../helpers/media-files.ts';

describe('channel-slack: outbound media', () => {
  it('the agent\'s image reply arrives as a file: getUploadURLExternal, the bytes to the upload URL, completeUploadExternal into the DM', async () => {
    const ws = useTempDir();
    const png = placeFile(ws.dir, 'chart.png', PNG_1X1);
    const h = await startSlack({ dmPolicy: 'allowlist', allowFrom: [ALICE] }, { gateway: { workspace: ws.dir } });
    h.fake.script({ toolCall: { name: 'send_file', args: { path: 'chart.png', caption: 'Sales by month' } } }, { text: 'Here is the chart.' });
    h.slack.dm(ALICE, 'chart please');
    await until(() => h.slack.files.length === 1, 'the file to be shared');
    const [file] = h.slack.files as [typeof h.slack.files[0]];
    expect(file).toMatchObject({ filename: 'chart.png', title: 'chart.png', channel: `D${ALICE.slice(1)}`, initialComment: 'Sales by month' });
    expect(file.bytes.equals(png)).toBe(true);
    expect(h.slack.posted.map((p) => p.text)).toEqual(['Here is the chart.']);
    const methods = h.slack.calls.map((c) => c.method).filter((m) => m.startsWith('files.'));
    expect(methods).toEqual(['files.getUploadURLExternal', 'files.completeUploadExternal']);
    expect(h.slack.calls.find((c) => c.method === 'files.getUploadURLExternal')!.params).toMatchObject({ filename: 'chart.png', length: String(png.length) });
    await until(() => h.status().outbound.sent === 2, 'the service to count the text and the file');
  });

  it('a 429 on the upload flow is retried after Retry-After; a missing scope fails the file with the hint', async () => {
    const ws = useTempDir();
    placeFile(ws.dir, 'dot.png', PNG_1X1);
    const h = await startSlack({ dmPolicy: 'allowlist', allowFrom: [ALICE] }, { gateway: { workspace: ws.dir } });
    h.slack.failNext('files.getUploadURLExternal', { status: 429, retryAfter: 0 });
    h.fake.script({ toolCall: { name: 'send_file', args: { path: 'dot.png' } } }, { text: '' });
    h.slack.dm(ALICE, 'a dot');
    await until(() => h.slack.files.length === 1, 'the file after the 429');
    expect(h.status().outbound).toMatchObject({ retried: 1, failed: 0 });

    h.slack.failNext('files.completeUploadExternal', { error: 'missing_scope' });
    h.fake.script({ toolCall: { name: 'send_file', args: { path: 'dot.png' } } }, { text: '' });
    h.slack.dm(ALICE, 'again');
    await until(() => h.status().outbound.failed === 1, 'the upload to fail');
    expect(h.status().lastError?.message).toMatch(/file upload failed: missing_scope/);
    expect(h.slack.files).toHaveLength(1);
  });
});
