/**
 * The inbound media kit on its own: the byte cap counts the stream (not Content-Length), the
 * type comes from the bytes, a refused file is explained in plain words, stored files are 0600
 * in a 0700 session folder, and retention deletes old files and the folders it empties.
 */
import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeMedia, mediaDir, pruneMedia, readCappedBody, sniffType, storeMedia, takeAttachment, MediaTooLargeError } from '../../../sdk/channels/index.ts';
import { fakeExe, tinyOggOpus, tinyPdf, tinyPng } from '../../helpers/media-fixtures.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const limits = { maxBytes: 1024, allowedTypes: ['image/png', 'audio/*', 'application/pdf', 'text/*'], timeoutMs: 5_000 };
const never = new AbortController().signal;

/** A body delivered in pieces with no Content-Length, like a chunked download. */
function streamed(bytes: Uint8Array, pieces = 8): Response {
  const size = Math.ceil(bytes.length / pieces);
  let at = 0;
  let pulls = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls++;
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, at + size));
      at += size;
    },
  });
  return Object.assign(new Response(body), { pulls: () => pulls });
}

describe('readCappedBody', () => {
  it('stops reading once the running total passes the cap, whatever the headers say', async () => {
    const response = streamed(new Uint8Array(64 * 1024), 64) as Response & { pulls(): number };
    await expect(readCappedBody(response, 1024, never)).rejects.toBeInstanceOf(MediaTooLargeError);
    expect(response.pulls()).toBeLessThan(8);
  });

  it('refuses a declared Content-Length over the cap without reading, and reads a body within it', async () => {
    await expect(readCappedBody(new Response('x'.repeat(10), { headers: { 'content-length': '999999' } }), 1024, never)).rejects.toBeInstanceOf(MediaTooLargeError);
    expect((await readCappedBody(streamed(tinyPng()), 1024, never)).equals(tinyPng())).toBe(true);
  });
});

describe('content sniffing', () => {
  it('names the type from the bytes and recognises plain text', async () => {
    expect(await sniffType(tinyPng())).toEqual({ mimeType: 'image/png', ext: 'png' });
    expect(await sniffType(tinyOggOpus())).toEqual({ mimeType: 'audio/ogg', ext: 'opus' });
    expect(await sniffType(tinyPdf('hi'))).toEqual({ mimeType: 'application/pdf', ext: 'pdf' });
    expect(await sniffType(Buffer.from('# notes\n'), 'text/markdown')).toEqual({ mimeType: 'text/markdown', ext: 'md' });
    expect(await sniffType(Buffer.from([0, 1, 2, 3, 250]))).toBeUndefined();
  });

  it('a PNG labelled JPEG is still a picture; an executable labelled or named as one is mislabelled', async () => {
    expect(await judgeMedia(tinyPng(), { name: 'cat.jpg', mimeType: 'image/jpeg' }, ['image/*'])).toMatchObject({ ok: true, sniffed: { mimeType: 'image/png' } });
    expect(await judgeMedia(fakeExe(), { name: 'photo.jpg' }, ['image/*'])).toMatchObject({ ok: false, reason: 'mislabelled', claimed: 'image/jpeg' });
    expect(await judgeMedia(fakeExe(), { name: 'tool', mimeType: 'application/octet-stream' }, ['image/*'])).toMatchObject({ ok: false, reason: 'type-not-allowed' });
  });
});

describe('takeAttachment', () => {
  it('stores an accepted file (0600 in a 0700 session folder) and returns a reference', async () => {
    const { dir } = useTempDir();
    const intake = await takeAttachment({ name: 'dot.png', mimeType: 'image/png', download: async () => streamed(tinyPng()) }, { limits, stateDir: dir, sessionKey: 'agent:main:x:dm:1', signal: never });
    expect(intake).toMatchObject({ status: 'stored', media: { kind: 'image', mimeType: 'image/png', name: 'dot.png', size: tinyPng().length } });
    const file = (intake as { media: { file: string } }).media.file;
    expect(file.startsWith(`${mediaDir('agent:main:x:dm:1')}/`)).toBe(true);
    expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, mediaDir('agent:main:x:dm:1'))).mode & 0o777).toBe(0o700);
  });

  it('explains a refusal in plain words (never a URL) and a download that takes too long', async () => {
    const { dir } = useTempDir();
    const options = { limits, stateDir: dir, sessionKey: 'agent:main:x:dm:1', signal: never };
    const failing = await takeAttachment({ name: 'a.png', download: async () => new Response('no', { status: 500 }) }, options);
    expect(failing).toEqual({ status: 'refused', refusal: { reason: 'download-failed', name: 'a.png', message: 'I could not fetch "a.png"; please try again.' } });
    const hanging = await takeAttachment({ name: 'slow.png', download: async (signal) => new Response(new ReadableStream({ start(c) { signal.addEventListener('abort', () => c.error(signal.reason)); } })) }, { ...options, limits: { ...limits, timeoutMs: 100 } });
    expect(hanging).toMatchObject({ status: 'refused', refusal: { reason: 'timeout' } });
    expect(await takeAttachment({ name: 'n.png' }, options)).toMatchObject({ status: 'refused', refusal: { reason: 'no-download' } });
  });
});

describe('retention', () => {
  it('deletes files older than the retention and the folders left empty; keeps newer ones', async () => {
    const { dir } = useTempDir();
    const old = await storeMedia(dir, 'agent:main:a:dm:1', tinyPng(), 'png');
    const fresh = await storeMedia(dir, 'agent:main:b:dm:2', tinyPng(), 'png');
    const day = 24 * 60 * 60 * 1000;
    const then = new Date(Date.now() - 40 * day);
    utimesSync(join(dir, old), then, then);
    expect(await pruneMedia(dir, 30 * day)).toBe(1);
    expect(readdirSync(join(dir, 'media'))).toEqual([fresh.split('/')[1]]);
    expect(statSync(join(dir, fresh)).isFile()).toBe(true);
  });

  it('a state dir without media is nothing to prune', async () => {
    const { dir } = useTempDir();
    expect(await pruneMedia(dir, 1)).toBe(0);
    mkdirSync(join(dir, 'media', 'empty'), { recursive: true });
    writeFileSync(join(dir, 'media', 'stray.txt'), 'x');
    expect(await pruneMedia(dir, 1, Date.now() + 10_000)).toBe(0);
  });
});
