/**
 * Inbound media on Telegram end to end: files sent to the fake Bot API are fetched with getFile +
 * the file download, checked by the media kit and reach the fake model provider — a photo as an
 * image part in both wire formats, a voice note through a fake transcription endpoint, a PDF as
 * its text — while an oversized or mislabelled file is refused with a message to the sender.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentServiceRef } from '../../../sdk/agent/index.ts';
import { startFakeTranscriber } from '../../helpers/fake-transcriber.ts';
import { fakeExe, tinyOggOpus, tinyPdf, tinyPng } from '../../helpers/media-fixtures.ts';
import { ALICE, startTelegram, until } from './harness.ts';

const DM = { dmPolicy: 'allowlist', allowFrom: ['42'] };
const SESSION = 'agent:main:telegram:dm:42';

const lastUser = (body: any) => [...body.messages].reverse().find((m: any) => m.role === 'user');

describe('telegram inbound media', () => {
  it('a photo reaches an OpenAI-format model as an image_url part; the transcript keeps a reference to a 0600 file', async () => {
    const h = await startTelegram({ settings: DM, gateway: { images: true } });
    const png = tinyPng();
    await h.tg.fileMessage(ALICE, 'photo', h.tg.addFile(png), { caption: 'What colour is this?' });
    await h.tg.waitForSent(1);
    const user = lastUser(h.fake.requests[0]!.body);
    expect(user.content).toContainEqual({ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } });
    expect(user.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('What colour is this?') });
    const history = await h.kernel.use(agentServiceRef).history(SESSION);
    const entry = history.find((e) => e.role === 'user') as { content: string; media?: { file: string; mimeType: string; kind: string }[] };
    expect(entry.media).toEqual([expect.objectContaining({ kind: 'image', mimeType: 'image/png', size: png.length, name: 'photo' })]);
    expect(JSON.stringify(history)).not.toContain(png.toString('base64'));
    const stored = join(h.kernel.paths.stateDir, entry.media![0]!.file);
    expect(statSync(stored).mode & 0o777).toBe(0o600);
    expect(statSync(join(stored, '..')).mode & 0o777).toBe(0o700);
    // Stored media is part of a backup, next to the transcripts that refer to it.
    expect(h.kernel.hooks.backupSources.call([])).toContainEqual({ name: 'media', path: join(h.kernel.paths.stateDir, 'media'), plugin: 'channels' });
  });

  it('a photo reaches an Anthropic-format model as a base64 image block', async () => {
    const h = await startTelegram({ settings: DM, gateway: { api: 'anthropic', images: true } });
    const png = tinyPng();
    await h.tg.fileMessage(ALICE, 'photo', h.tg.addFile(png), { caption: 'Describe it' });
    await h.tg.waitForSent(1);
    const request = h.fake.requests[0]!;
    expect(request.api).toBe('anthropic');
    const user = lastUser(request.body);
    expect(user.content).toContainEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: png.toString('base64') } });
    expect(user.content).toContainEqual({ type: 'text', text: expect.stringContaining('Describe it') });
  });

  it('a model that does not take images gets a note instead of the picture', async () => {
    const h = await startTelegram({ settings: DM, gateway: { images: false } });
    await h.tg.fileMessage(ALICE, 'photo', h.tg.addFile(tinyPng()), { caption: 'Look' });
    await h.tg.waitForSent(1);
    const user = lastUser(h.fake.requests[0]!.body);
    expect(typeof user.content).toBe('string');
    expect(user.content).toContain('this model does not take images');
  });

  it('a text sent while the photo before it still downloads reaches the agent after the photo', async () => {
    const h = await startTelegram({ settings: DM, gateway: { images: true } });
    await h.tg.fileMessage(ALICE, 'photo', h.tg.addFile(tinyPng(), { delayMs: 400 }), { caption: 'first: the photo' });
    await h.tg.waitForCalls('getFile', 1);
    await h.tg.message(ALICE, 'second: a question about it');
    await h.tg.waitForSent(2);
    const users = h.fake.requests.map((r) => JSON.stringify(lastUser(r.body).content));
    expect(users[0]).toContain('first: the photo');
    expect(users[1]).toContain('second: a question about it');
  });

  it('a voice note is transcribed through the configured transcription endpoint', async () => {
    const transcriber = await startFakeTranscriber('remind me to buy milk tomorrow');
    const h = await startTelegram({ settings: DM, gateway: { channelsOptions: { media: { transcription: { baseURL: transcriber.baseURL, apiKey: 'stt-key', model: 'whisper-test' } } } } });
    const ogg = tinyOggOpus();
    await h.tg.fileMessage(ALICE, 'voice', h.tg.addFile(ogg));
    await h.tg.waitForSent(1);
    expect(transcriber.received).toEqual([{ model: 'whisper-test', fileName: 'voice', bytes: ogg, auth: 'Bearer stt-key' }]);
    expect(lastUser(h.fake.requests[0]!.body).content).toContain('remind me to buy milk tomorrow');
  });

  it('without a transcription service the model is told it cannot hear the audio', async () => {
    const h = await startTelegram({ settings: DM });
    await h.tg.fileMessage(ALICE, 'voice', h.tg.addFile(tinyOggOpus()));
    await h.tg.waitForSent(1);
    expect(lastUser(h.fake.requests[0]!.body).content).toContain('I cannot hear audio: no transcription service is configured');
  });

  it('a PDF reaches the model as its text', async () => {
    const h = await startTelegram({ settings: DM });
    await h.tg.fileMessage(ALICE, 'document', h.tg.addFile(tinyPdf('The invoice total is 42 euros')), { file_name: 'invoice.pdf', mime_type: 'application/pdf', caption: 'How much?' });
    await h.tg.waitForSent(1);
    const text = lastUser(h.fake.requests[0]!.body).content as string;
    expect(text).toContain('How much?');
    expect(text).toContain('[document: invoice.pdf (application/pdf');
    expect(text).toContain('The invoice total is 42 euros');
  });

  it('a file over the size cap is refused while downloading (size claimed small, no Content-Length), and the sender is told', async () => {
    const h = await startTelegram({ settings: DM, gateway: { channelsOptions: { media: { maxBytes: 4096 } } } });
    const big = Buffer.concat([tinyPdf('x'), Buffer.alloc(64 * 1024, 0x20)]);
    await h.tg.fileMessage(ALICE, 'document', h.tg.addFile(big, { chunked: true, claimedSize: 1000 }), { file_name: 'big.pdf', mime_type: 'application/pdf' });
    const [sent] = await h.tg.waitForSent(1);
    expect(sent!.text).toBe('I did not take "big.pdf": it is over the 4 KB limit.');
    expect(h.tg.downloads).toHaveLength(1);
    // A file and nothing else: the refusal is the whole answer.
    expect(h.fake.requests).toHaveLength(0);
  });

  it('a file announced over the cap is refused without downloading it', async () => {
    const h = await startTelegram({ settings: DM, gateway: { channelsOptions: { media: { maxBytes: 4096 } } } });
    await h.tg.fileMessage(ALICE, 'document', h.tg.addFile(tinyPdf('x'), { claimedSize: 10 * 1024 * 1024 }), { file_name: 'huge.pdf', mime_type: 'application/pdf', caption: 'read this' });
    await h.tg.waitForSent(2);
    expect(h.tg.sent.map((m) => m.text)).toContain('I did not take "huge.pdf": it is 10 MB, over the 4 KB limit.');
    expect(h.tg.downloads).toHaveLength(0);
    // The words still reach the model, with a note that the file was refused.
    expect(lastUser(h.fake.requests[0]!.body).content).toContain('[attachment refused: huge.pdf — too-large; the sender was told]');
  });

  it('an executable named photo.jpg is refused as mislabelled and never stored', async () => {
    const h = await startTelegram({ settings: DM });
    await h.tg.fileMessage(ALICE, 'document', h.tg.addFile(fakeExe()), { file_name: 'photo.jpg', mime_type: 'image/jpeg' });
    const [sent] = await h.tg.waitForSent(1);
    expect(sent!.text).toBe('I did not open "photo.jpg": it claims to be image/jpeg but its content is application/x-msdownload.');
    await until(() => h.status().inbound.accepted === 1, 'the message to be accepted');
    expect(h.fake.requests).toHaveLength(0);
    expect(() => statSync(join(h.kernel.paths.stateDir, 'media'))).toThrow(/ENOENT/);
  });

  it('a type outside the allowlist is refused with the accepted types named', async () => {
    const h = await startTelegram({ settings: DM, gateway: { channelsOptions: { media: { allowedTypes: ['image/*'] } } } });
    await h.tg.fileMessage(ALICE, 'document', h.tg.addFile(tinyPdf('x')), { file_name: 'notes.pdf', mime_type: 'application/pdf' });
    const [sent] = await h.tg.waitForSent(1);
    expect(sent!.text).toBe('I did not take "notes.pdf": files of type application/pdf are not accepted here (accepted: image/*).');
  });
});
