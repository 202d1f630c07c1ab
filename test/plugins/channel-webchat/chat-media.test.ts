/**
 * chat.send with webchat uploads (`attachments`: upload ids): the files reach the model exactly
 * like a channel's inbound media — an image as an image part (OpenAI wire format: `image_url`
 * with a data: URL), a text file as its text — and the transcript keeps a reference, not the
 * bytes. An id uploaded to another session, an unknown id or a path is refused, naming the param.
 */
import { describe, expect, it } from 'vitest';
import { startChannels } from '../channels/harness.ts';
import { waitFor } from '../agent/harness.ts';
import { PASSWORD } from '../gateway/helpers.ts';
import { PNG_1X1 } from '../../helpers/media-files.ts';
import { fakeExe, tinyOggOpus, tinyPdf } from '../../helpers/media-fixtures.ts';
import { startFakeTranscriber } from '../../helpers/fake-transcriber.ts';

const upload = async (httpUrl: string, sessionKey: string, name: string, body: Uint8Array): Promise<string> => {
  const query = new URLSearchParams({ sessionKey, name });
  const response = await fetch(`${httpUrl}/channels/webchat/upload?${query}`, { method: 'POST', headers: { authorization: `Bearer ${PASSWORD}` }, body });
  expect(response.status).toBe(201);
  return ((await response.json()) as { file: { id: string } }).file.id;
};

describe('channel-webchat: uploads sent with chat.send', () => {
  it('an uploaded PNG reaches the model as an image part, text and PDF files as their text, audio as a note; the transcript keeps references', async () => {
    const h = await startChannels({ extra: ['channel-webchat'], images: true });
    const client = await h.client();
    const png = await upload(h.httpUrl, 'agent:main:main', 'dropped.png', PNG_1X1);
    const txt = await upload(h.httpUrl, 'agent:main:main', 'notes.txt', Buffer.from('the launch is on tuesday'));
    const pdf = await upload(h.httpUrl, 'agent:main:main', 'report.pdf', tinyPdf('Quarterly revenue grew'));
    const ogg = await upload(h.httpUrl, 'agent:main:main', 'voice.ogg', tinyOggOpus());
    h.fake.script({ text: 'a red pixel' });
    const response = await client.request('chat.send', { message: 'what is in this picture?', attachments: [png, txt, pdf, ogg] });
    expect(response).toMatchObject({ ok: true });
    await waitFor(client, (f) => f.event === 'chat.final' && f.payload.runId === response.payload.runId);

    const user = (h.fake.requests.at(-1)!.body.messages as { role: string; content: unknown }[]).filter((m) => m.role === 'user').at(-1)!;
    const parts = user.content as { type: string; text?: string; image_url?: { url: string } }[];
    expect(Array.isArray(parts)).toBe(true);
    const text = parts.filter((part) => part.type === 'text').map((part) => part.text).join('\n');
    expect(text).toContain('what is in this picture?');
    expect(text).toContain('[image: dropped.png (image/png, ');
    expect(text).toContain('[document: notes.txt (text/plain');
    expect(text).toContain('the launch is on tuesday');
    expect(text).toContain('[document: report.pdf (application/pdf');
    expect(text).toContain('Quarterly revenue grew');
    // No transcription server configured (channels plugin option media.transcription): the same note a channel gets.
    expect(text).toContain('[audio: voice.ogg (audio/ogg, ');
    expect(text).toContain('I cannot hear audio');
    expect(text).not.toContain('webchat-upload:');
    expect(parts.filter((part) => part.type === 'image_url').map((part) => part.image_url?.url)).toEqual([`data:image/png;base64,${PNG_1X1.toString('base64')}`]);

    const history = await client.request('chat.history', {});
    const stored = JSON.stringify(history.payload);
    expect(stored).not.toContain(PNG_1X1.toString('base64'));
    const entry = (history.payload.messages as { role: string; media?: { kind: string; mimeType: string; name: string; size: number; file: string }[] }[]).find((m) => m.role === 'user' && m.media);
    expect(entry?.media).toEqual([
      { kind: 'image', mimeType: 'image/png', name: 'dropped.png', size: PNG_1X1.length, file: expect.stringMatching(/^media\/[^/]+\/[^/]+\.png$/) },
      { kind: 'document', mimeType: expect.stringMatching(/^text\/plain/), name: 'notes.txt', size: 24, file: expect.stringMatching(/^media\//) },
      expect.objectContaining({ kind: 'document', mimeType: 'application/pdf', name: 'report.pdf' }),
      expect.objectContaining({ kind: 'audio', mimeType: 'audio/ogg', name: 'voice.ogg' }),
    ]);
  });

  it('refuses an upload of another session, an unknown id, a path and a file the media kit refuses, naming the param; the model is not called', async () => {
    const h = await startChannels({ extra: ['channel-webchat'] });
    const client = await h.client();
    const foreign = await upload(h.httpUrl, 'agent:main:other', 'theirs.png', PNG_1X1);
    const cases: [unknown, string][] = [
      [foreign, 'attachments/0'],
      ['0123456789abcdef0123456789abcdef', 'attachments/0'],
      ['../../../../etc/passwd', 'attachments/0'],
      // Stored by the upload route, refused by the channels media kit (not in media.allowedTypes).
      [await upload(h.httpUrl, 'agent:main:main', 'setup.exe', fakeExe()), 'attachments/0: I did not take "setup.exe": files of type'],
    ];
    for (const [id, param] of cases) {
      const response = await client.request('chat.send', { message: 'look', attachments: [id] });
      expect(response).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining(param) } });
    }
    expect(h.fake.requests).toHaveLength(0);
  });

  it('without an upload service or with nothing to send, chat.send says what is wrong', async () => {
    const h = await startChannels();
    const client = await h.client();
    expect(await client.request('chat.send', { message: 'look', attachments: ['0123456789abcdef0123456789abcdef'] })).toMatchObject({
      ok: false, error: { code: 'INVALID_REQUEST', message: expect.stringContaining('/params/attachments: this gateway takes no uploads (add the channel-webchat plugin)') },
    });
    expect(await client.request('chat.send', { message: '  ' })).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST', message: '/params/message must not be empty (send text, attachments or both)' } });
    expect(h.fake.requests).toHaveLength(0);
  });

  it('messages of one session reach the agent in the order they were sent, even while an earlier voice note is transcribed', async () => {
    let release!: () => void;
    const transcriber = await startFakeTranscriber('call me back tomorrow', { hold: new Promise<void>((resolve) => { release = resolve; }) });
    const h = await startChannels({ extra: ['channel-webchat'], channelsOptions: { media: { transcription: { baseURL: transcriber.baseURL } } } });
    const client = await h.client();
    const ogg = await upload(h.httpUrl, 'agent:main:main', 'voice.ogg', tinyOggOpus());
    h.fake.script({ text: 'first answer' }, { text: 'second answer' });
    const first = client.request('chat.send', { message: 'listen', attachments: [ogg] });
    await expect.poll(() => transcriber.received.length).toBe(1);
    const second = client.request('chat.send', { message: 'and one more thing' });
    // A moment for the second message to overtake if it could; the assertion is the order, not the time.
    await Promise.race([second, new Promise((resolve) => setTimeout(resolve, 200))]);
    release();
    const runs = await Promise.all([first, second]);
    for (const response of runs) await waitFor(client, (f) => f.event === 'chat.final' && f.payload.runId === response.payload.runId);
    const history = await client.request('chat.history', {});
    const users = (history.payload.messages as { role: string; content: string }[]).filter((m) => m.role === 'user').map((m) => m.content);
    expect(users).toEqual([expect.stringContaining('call me back tomorrow'), 'and one more thing']);
    expect(users[0]).toMatch(/^listen\n\[audio: voice\.ogg \(audio\/ogg, .*, transcribed\]/);
  });
});
