/** Outbound media helpers: the type comes from the bytes, names are made safe, the note names the file. */
import { describe, expect, it } from 'vitest';
import { mediaNote, outboundAttachment, safeFileName, sniffMedia } from '../../../sdk/channels/index.ts';
import { PNG_1X1 } from '../../helpers/media-files.ts';

describe('outbound media helpers', () => {
  it('sniffs images, documents and text from their bytes, whatever the name says', async () => {
    expect(await sniffMedia(PNG_1X1)).toEqual({ mimeType: 'image/png', kind: 'image' });
    expect(await sniffMedia(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toEqual({ mimeType: 'image/jpeg', kind: 'image' });
    expect(await sniffMedia(Buffer.from('GIF89a....'))).toEqual({ mimeType: 'image/gif', kind: 'image' });
    expect(await sniffMedia(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toEqual({ mimeType: 'image/webp', kind: 'image' });
    expect(await sniffMedia(Buffer.from('%PDF-1.7\n'))).toEqual({ mimeType: 'application/pdf', kind: 'file' });
    expect(await sniffMedia(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toEqual({ mimeType: 'text/plain; charset=utf-8', kind: 'file' });
    expect(await sniffMedia(Buffer.from([0, 1, 2, 3, 0xfe]))).toEqual({ mimeType: 'application/octet-stream', kind: 'file' });
    expect(await outboundAttachment(Buffer.from('hello'), 'photo.png')).toMatchObject({ name: 'photo.png', mimeType: 'text/plain; charset=utf-8', kind: 'file', size: 5 });
  });

  it('keeps only a plain last path segment as the file name', () => {
    expect(safeFileName('reports/2024/q1.pdf')).toBe('q1.pdf');
    expect(safeFileName('..\\..\\evil".txt')).toBe('evil.txt');
    expect(safeFileName('a\u0000b\nc')).toBe('abc');
    expect(safeFileName('..')).toBe('file');
  });

  it('names the file in the note for channels without files, after the caption', async () => {
    expect(mediaNote(await outboundAttachment(PNG_1X1, 'chart.png', 'Sales'))).toBe(`Sales\n[image "chart.png" (${PNG_1X1.length} bytes) not delivered: this channel cannot carry files]`);
  });
});
