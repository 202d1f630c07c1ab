/**
 * Inbound media on WhatsApp: a media id is resolved through the Graph API (`GET /{media-id}`)
 * and its URL downloaded with the access token; a photo reaches the model as an image part (in
 * the Anthropic wire format here), a voice note through the transcription endpoint.
 */
import { describe, expect, it } from 'vitest';
import { startFakeTranscriber } from '../../helpers/fake-transcriber.ts';
import { tinyOggOpus, tinyPng } from '../../helpers/media-fixtures.ts';
import { startWhatsApp } from './harness.ts';

const KERRY = '16315551234';
const lastUser = (body: any) => [...body.messages].reverse().find((m: any) => m.role === 'user');

describe('whatsapp inbound media', () => {
  it('an image is fetched through its media id and reaches an Anthropic-format model as an image block', async () => {
    const h = await startWhatsApp({ dmPolicy: 'allowlist', allowFrom: [KERRY] }, { gateway: { api: 'anthropic', images: true } });
    const png = tinyPng();
    const answer = await h.wa.deliver(h.webhookUrl, h.wa.mediaEvent({ from: KERRY, type: 'image', mediaId: h.wa.addMedia(png, 'image/png'), mimeType: 'image/png', caption: 'is it ripe?' }));
    expect(answer.status).toBe(200);
    await h.wa.waitForSent(1, KERRY);
    const downloads = h.wa.requests.filter((r) => r.path.includes('media1'));
    expect(downloads.map((r) => [r.status, r.authorized])).toEqual([[200, true], [200, true]]);
    expect(lastUser(h.fake.requests[0]!.body).content).toContainEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png.toString('base64') } });
  });

  it('a voice note is transcribed and the transcript reaches the model', async () => {
    const transcriber = await startFakeTranscriber('call the plumber at five');
    const h = await startWhatsApp({ dmPolicy: 'allowlist', allowFrom: [KERRY] }, { gateway: { channelsOptions: { media: { transcription: { baseURL: transcriber.baseURL } } } } });
    const ogg = tinyOggOpus();
    await h.wa.deliver(h.webhookUrl, h.wa.mediaEvent({ from: KERRY, type: 'audio', mediaId: h.wa.addMedia(ogg, 'audio/ogg; codecs=opus'), mimeType: 'audio/ogg; codecs=opus', voice: true }));
    await h.wa.waitForSent(1, KERRY);
    expect(transcriber.received).toEqual([expect.objectContaining({ model: 'whisper-1', bytes: ogg, auth: undefined })]);
    expect(lastUser(h.fake.requests[0]!.body).content).toContain('call the plumber at five');
  });
});
