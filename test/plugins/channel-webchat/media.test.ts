/**
 * channel-webchat outbound media: a file sent to webchat is stored (0600) and announced in
 * chat.message with a gateway URL; fetching it needs the client's credential, carries the
 * sniffed type and nosniff, and non-images are downloads.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PASSWORD, connectClient, startGateway } from '../gateway/helpers.ts';
import { chat, waitFor } from '../agent/harness.ts';
import { startChannels } from '../channels/harness.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { placeFile } from '../../helpers/media-files.ts';
import { channelsServiceRef, outboundAttachment } from '../../../sdk/channels/index.ts';
import { PNG_1X1 } from '../../helpers/media-files.ts';

describe('channel-webchat: outbound media', () => {
  it('announces an image and a file with URLs the authenticated client fetches; images inline, files as attachments', async () => {
    const h = await startGateway({ extra: ['channels', 'channel-webchat'] });
    const client = await connectClient(h.url);
    const channels = h.kernel.use(channelsServiceRef);
    const html = await outboundAttachment(Buffer.from('<html><script>alert(1)</script></html>'), 'page.html');
    await channels.send('webchat', { chatType: 'dm', chatId: 'owner' }, 'Two files:', { attachments: [await outboundAttachment(PNG_1X1, 'chart.png', 'the chart'), html] });

    const image = await waitFor(client, (f) => f.event === 'chat.message' && f.payload.attachments?.[0]?.name === 'chart.png');
    expect(image.payload).toMatchObject({ channel: 'webchat', chatId: 'owner', text: 'the chart', attachments: [{ name: 'chart.png', mimeType: 'image/png', kind: 'image', size: PNG_1X1.length, url: expect.stringMatching(/^\/channels\/webchat\/media\?id=[0-9a-f]{32}$/) }] });
    const file = await waitFor(client, (f) => f.event === 'chat.message' && f.payload.attachments?.[0]?.name === 'page.html');
    expect(file.payload.attachments[0]).toMatchObject({ mimeType: 'text/plain; charset=utf-8', kind: 'file' });

    const auth = { authorization: `Bearer ${PASSWORD}` };
    const png = await fetch(`${h.httpUrl}${image.payload.attachments[0].url}`, { headers: auth });
    expect(png.status).toBe(200);
    expect(Buffer.from(await png.arrayBuffer()).equals(PNG_1X1)).toBe(true);
    expect(Object.fromEntries(['content-type', 'x-content-type-options', 'content-disposition'].map((k) => [k, png.headers.get(k)])))
      .toEqual({ 'content-type': 'image/png', 'x-content-type-options': 'nosniff', 'content-disposition': "inline; filename*=UTF-8''chart.png" });

    const download = await fetch(`${h.httpUrl}${file.payload.attachments[0].url}`, { headers: auth });
    expect(download.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(download.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''page.html");
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    await download.arrayBuffer();

    // Without the credential, or with an id that is not one, nothing is served.
    const anonymous = await fetch(`${h.httpUrl}${image.payload.attachments[0].url}`);
    expect(anonymous.status).toBe(401);
    await anonymous.arrayBuffer();
    const traversal = await fetch(`${h.httpUrl}/channels/webchat/media?id=../../credentials`, { headers: auth });
    expect(traversal.status).toBe(404);
    await traversal.arrayBuffer();

    // Stored privately under the state dir.
    const id = (image.payload.attachments[0].url as string).split('=')[1]!;
    const stored = join(h.kernel.tempDir, 'state', 'media', 'webchat', id);
    expect(statSync(stored).mode & 0o777).toBe(0o600);
    expect(statSync(`${stored}.json`).mode & 0o777).toBe(0o600);
  });

  it('the agent\'s send_file in a control UI chat run (chat.send) reaches that client as a webchat file after the run', async () => {
    const ws = useTempDir();
    placeFile(ws.dir, 'chart.png', PNG_1X1);
    const h = await startChannels({ workspace: ws.dir, extra: ['channel-webchat'] });
    const client = await h.client();
    h.fake.script({ toolCall: { name: 'send_file', args: { path: 'chart.png', caption: 'your chart' } } }, { text: 'Sent you the chart.' });
    const { final } = await chat(client, 'draw the chart');
    expect(final.payload).toMatchObject({ status: 'ok', text: 'Sent you the chart.' });
    const event = await waitFor(client, (f) => f.event === 'chat.message');
    const connId = client.frames.find((f) => f.payload?.type === 'hello-ok')!.payload.server.connId as string;
    expect(event.payload).toMatchObject({ channel: 'webchat', chatId: connId, text: 'your chart', attachments: [{ name: 'chart.png', mimeType: 'image/png', kind: 'image' }] });
    const png = await fetch(`${h.httpUrl}${event.payload.attachments[0].url}`, { headers: { authorization: `Bearer ${PASSWORD}` } });
    expect(Buffer.from(await png.arrayBuffer()).equals(PNG_1X1)).toBe(true);
  });
});
