/**
 * Outbound media through the channels service: the agent's `send_file` tool attaches a workspace
 * file to the reply (sniffed type, channel size limit, workspace confinement), the outbound
 * queue carries it after the text with the same retries, and a channel without files gets a
 * note naming the file.
 */
import { describe, expect, it } from 'vitest';
import { startChannels } from './harness.ts';
import { createFakeChannel } from '../../helpers/fake-channel.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { PNG_1X1, placeFile, toolResults } from '../../helpers/media-files.ts';
import { outboundAttachment } from '../../../sdk/channels/index.ts';
import { definePlugin } from '../../../sdk/core/index.ts';

const open = { dmPolicy: 'open', allowFrom: ['*'] };

describe('channels: send_file', () => {
  it('sends the agent\'s image after the reply text, bytes and sniffed type intact, and messageSending sees it', async () => {
    const ws = useTempDir();
    // A misleading extension: the type comes from the bytes.
    const png = placeFile(ws.dir, 'chart.dat', PNG_1X1);
    const seen: unknown[] = [];
    const observer = definePlugin({ name: 'test-sending-observer', version: '1.0.0', setup(ctx) {
      ctx.hooks.messageSending.tap(ctx.name, (message) => {
        seen.push(message.attachments?.map(({ name, mimeType, kind, size }) => ({ name, mimeType, kind, size })));
        return message;
      });
    } });
    const h = await startChannels({ settings: open, workspace: ws.dir, extra: [observer] });
    h.fake.script({ toolCall: { name: 'send_file', args: { path: 'chart.dat', caption: 'Sales by month' } } }, { text: 'Here is your chart.' });
    await h.channel.inject({ sender: 'alice', text: 'draw the chart' });
    await h.channel.waitForSent(1);
    await expect.poll(() => h.channel.media.length).toBe(1);
    expect(h.channel.sent.map((s) => s.text)).toEqual(['Here is your chart.']);
    const [{ attachment, target }] = h.channel.media as [typeof h.channel.media[0]];
    expect(target.chatId).toBe('alice');
    expect(attachment).toMatchObject({ name: 'chart.dat', mimeType: 'image/png', kind: 'image', size: png.length, caption: 'Sales by month' });
    expect(Buffer.from(attachment.data).equals(png)).toBe(true);
    expect(seen).toEqual([[{ name: 'chart.dat', mimeType: 'image/png', kind: 'image', size: png.length }]]);
    expect(toolResults(h.fake.requests)[0]).toContain('"queued":"chart.dat"');
  });

  it('refuses a path outside the workspace and an oversized file with a clear tool error; nothing is sent', async () => {
    const ws = useTempDir();
    const outside = useTempDir();
    placeFile(outside.dir, 'secret.png', PNG_1X1);
    placeFile(ws.dir, 'big.bin', Buffer.alloc(2048, 7));
    const h = await startChannels({ settings: open, workspace: ws.dir, channel: createFakeChannel({ maxMediaBytes: 1024 }) });
    h.fake.script(
      { toolCall: { name: 'send_file', args: { path: `${outside.dir}/secret.png` } } },
      { toolCall: { name: 'send_file', args: { path: '../secret.png' } } },
      { toolCall: { name: 'send_file', args: { path: 'big.bin' } } },
      { text: 'I could not send those.' },
    );
    await h.channel.inject({ sender: 'alice', text: 'send me the files' });
    await h.channel.waitForSent(1);
    const results = toolResults(h.fake.requests);
    expect(results).toHaveLength(3);
    expect(results[0]).toContain(`path "${outside.dir}/secret.png" is outside the workspace`);
    expect(results[1]).toContain(`path "../secret.png" is outside the workspace`);
    expect(results[2]).toContain(`send_file: path "big.bin" is 2048 bytes; the limit is 1024 (channel "fake" takes files up to 1 KB)`);
    expect(h.channel.media).toEqual([]);
    expect(h.channel.sent.map((s) => s.text)).toEqual(['I could not send those.']);
  });

  it('says so when the run did not come from a channel', async () => {
    const ws = useTempDir();
    placeFile(ws.dir, 'a.png', PNG_1X1);
    const h = await startChannels({ settings: open, workspace: ws.dir });
    const tool = h.kernel.use((await import('../../../sdk/agent/index.ts')).toolRegistryRef).get('send_file')!;
    await expect(Promise.resolve(tool.handler({ path: 'a.png' }, { runId: 'not-a-channel-run', sessionKey: 'agent:main:main', signal: new AbortController().signal })))
      .rejects.toThrow(/did not come from a chat channel/);
  });

  it('keeps a file queued while the platform is down and retries a failed upload', async () => {
    const h = await startChannels({ settings: open });
    h.channel.down();
    const file = await outboundAttachment(PNG_1X1, 'dot.png');
    const delivered = h.channels.send('fake', { chatType: 'dm', chatId: 'bob' }, 'a picture:', { attachments: [file] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.channel.media).toEqual([]);
    h.channel.failNext(1, { retryable: true, retryAfterMs: 10 });
    h.channel.up();
    await delivered;
    expect(h.channel.sent.map((s) => s.text)).toEqual(['a picture:']);
    expect(h.channel.media.map((m) => m.attachment.name)).toEqual(['dot.png']);
    expect(h.channels.status()[0]!.outbound).toMatchObject({ sent: 2, retried: 1, failed: 0 });
  });

  it('refuses a file over the channel limit before queueing, and a channel without files gets a note', async () => {
    const h = await startChannels({ settings: open, channel: createFakeChannel({ maxMediaBytes: 10, media: false }) });
    const big = await outboundAttachment(Buffer.alloc(11, 1), 'eleven.bin');
    await expect(h.channels.send('fake', { chatType: 'dm', chatId: 'bob' }, 'x', { attachments: [big] }))
      .rejects.toMatchObject({ code: 'MOLT_ERR_CHANNEL_MEDIA_REFUSED', message: expect.stringContaining('file "eleven.bin" is 11 bytes; channel "fake" takes files up to 10 bytes') });
    expect(h.channel.sent).toEqual([]);
    await h.channels.send('fake', { chatType: 'dm', chatId: 'bob' }, '', { attachments: [await outboundAttachment(Buffer.from('a,b\n1,2\n'), 'data.csv', 'the numbers')] });
    expect(h.channel.sent.map((s) => s.text)).toEqual(['the numbers\n[file "data.csv" (8 bytes) not delivered: this channel cannot carry files]']);
  });
});
