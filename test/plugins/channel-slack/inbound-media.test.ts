/**
 * Inbound media on Slack: a file shared in a DM is fetched from its `url_private_download` with
 * the bot token and reaches the model (an image as an image part); the token is never sent to a
 * host other than Slack's, and a sign-in page served instead of the file is refused as
 * mislabelled, with a message to the sender.
 */
import { describe, expect, it } from 'vitest';
import { tinyPng } from '../../helpers/media-fixtures.ts';
import { ALICE, startSlack } from './harness.ts';

const DM = { dmPolicy: 'allowlist', allowFrom: [ALICE] };
const lastUser = (body: any) => [...body.messages].reverse().find((m: any) => m.role === 'user');

describe('slack inbound media', () => {
  it('a shared image is downloaded with the bot token and reaches the model as an image part', async () => {
    const h = await startSlack(DM, { gateway: { images: true } });
    const png = tinyPng();
    h.slack.dm(ALICE, 'what is this?', { files: [h.slack.addFile(png, { name: 'dot.png', mimetype: 'image/png' })] });
    await h.slack.waitForPosted(1);
    expect(h.slack.fileDownloads).toEqual([expect.objectContaining({ token: h.slack.botToken })]);
    const user = lastUser(h.fake.requests[0]!.body);
    expect(user.content).toContainEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } });
  });

  it('a file URL on another host gets no token: the file is refused as not fetched', async () => {
    const h = await startSlack(DM);
    const file = { ...h.slack.addFile(tinyPng(), { name: 'dot.png', mimetype: 'image/png' }), url_private_download: 'http://127.0.0.2:9/files-pri/x/dot.png' };
    h.slack.dm(ALICE, '', { files: [file] });
    const [posted] = await h.slack.waitForPosted(1);
    expect(posted!.text).toBe('I could not fetch "dot.png"; please try again.');
    expect(h.slack.fileDownloads).toHaveLength(0);
    expect(h.fake.requests).toHaveLength(0);
  });

  it('a sign-in page served in place of the image is refused as mislabelled', async () => {
    const h = await startSlack(DM);
    h.slack.dm(ALICE, '', { files: [h.slack.addFile(tinyPng(), { name: 'dot.png', mimetype: 'image/png', signIn: true })] });
    const [posted] = await h.slack.waitForPosted(1);
    expect(posted!.text).toBe('I did not open "dot.png": it claims to be image/png but its content is text/plain.');
    expect(h.fake.requests).toHaveLength(0);
  });
});
