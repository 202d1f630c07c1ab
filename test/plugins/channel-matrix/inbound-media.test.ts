/**
 * Inbound media on Matrix: an m.image / m.file event's `mxc://` URI is downloaded through the
 * homeserver's authenticated media endpoint (with the access token) and reaches the model — an
 * image as an image part, a text file as its text.
 */
import { describe, expect, it } from 'vitest';
import { tinyPng } from '../../helpers/media-fixtures.ts';
import { ALICE, startMatrix } from './harness.ts';

const lastUser = (body: any) => [...body.messages].reverse().find((m: any) => m.role === 'user');

describe('matrix inbound media', () => {
  it('an m.image is fetched from the authenticated media endpoint and reaches the model as an image part', async () => {
    const h = await startMatrix({ settings: { dmPolicy: 'allowlist', allowFrom: [ALICE] }, gateway: { images: true } });
    const room = h.mx.room([ALICE], { direct: true });
    const png = tinyPng();
    h.mx.message(room, ALICE, 'dot.png', { msgtype: 'm.image', url: h.mx.upload(png), info: { mimetype: 'image/png', size: png.length } });
    await h.mx.waitForSent(1);
    const download = h.mx.calls.find((c) => c.endpoint === 'media');
    expect(download).toMatchObject({ method: 'GET', status: 200, authorization: `Bearer ${h.mx.token}` });
    expect(lastUser(h.fake.requests[0]!.body).content).toContainEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } });
  });

  it('an m.file with a caption: the text file reaches the model as its text', async () => {
    const h = await startMatrix({ settings: { dmPolicy: 'allowlist', allowFrom: [ALICE] } });
    const room = h.mx.room([ALICE], { direct: true });
    const notes = Buffer.from('shopping: eggs, flour, butter\n');
    h.mx.message(room, ALICE, 'what do I need?', { msgtype: 'm.file', filename: 'notes.txt', url: h.mx.upload(notes), info: { mimetype: 'text/plain', size: notes.length } });
    await h.mx.waitForSent(1);
    const text = lastUser(h.fake.requests[0]!.body).content as string;
    expect(text).toContain('what do I need?');
    expect(text).toContain('[document: notes.txt (text/plain, 30 bytes)]\nshopping: eggs, flour, butter');
  });
});
