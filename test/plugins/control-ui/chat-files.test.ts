/**
 * Files in the control UI's chat, in Chromium: a dropped image and a pasted image are uploaded
 * through the gateway (stored 0600 in the session's media folder) and reach the fake provider
 * as image parts (OpenAI wire format: `image_url` with a data: URL) with the message (ids of
 * other sessions and unknown ids: test/plugins/channel-webchat/chat-media.test.ts); a mislabelled file is refused with a clear
 * message; a file the assistant sends to webchat shows inline.
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, logIn, shot, startDashboardGateway, type DashboardHarness } from './browser.ts';
import { channelsServiceRef, outboundAttachment } from '../../../sdk/channels/index.ts';
import { PNG_1X1 } from '../../helpers/media-files.ts';
import { sessionMediaDir } from '../../../plugins/channel-webchat/upload-route.ts';

let browser: Browser;
let gateway: DashboardHarness;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  [browser, gateway] = await Promise.all([launchBrowser(), startDashboardGateway(['channel-webchat'], { images: true })]);
  page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
  page.on('console', (message) => { if (message.type() === 'error') consoleErrors.push(message.text()); });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(`${gateway.httpUrl}/ui/`);
  await logIn(page);
  await page.getByRole('link', { name: 'Chat' }).click();
  await page.getByLabel('Message').waitFor();
}, 40_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
});

/** Dispatches a drop (on the composer) or a paste (on the message box) carrying one file, as a browser does. */
const transfer = (kind: 'drop' | 'paste', name: string, base64: string, type: string) => page.evaluate(`(() => {
  const bytes = Uint8Array.from(atob(${JSON.stringify(base64)}), (c) => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], ${JSON.stringify(name)}, { type: ${JSON.stringify(type)} }));
  const target = document.querySelector(${JSON.stringify(kind === 'drop' ? 'form.composer' : '#message')});
  const event = ${kind === 'drop' ? 'new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true })' : 'new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true })'};
  target.dispatchEvent(event);
})()`);

type WirePart = { type: string; text?: string; image_url?: { url: string } };
/** The last user message the model got, as OpenAI content parts. */
const lastUserParts = (): WirePart[] => {
  const messages = gateway.fake.requests.at(-1)?.body?.messages as { role: string; content: unknown }[] | undefined;
  const user = messages?.filter((m) => m.role === 'user').at(-1);
  return typeof user?.content === 'string' ? [{ type: 'text', text: user.content }] : (user?.content as WirePart[] | undefined) ?? [];
};

describe('control UI chat: files', () => {
  it('a dropped and a pasted image reach the model as image parts with the message; the uploads are stored 0600 in the session media folder', async () => {
    const png = PNG_1X1.toString('base64');
    await transfer('drop', 'dropped.png', png, 'image/png');
    await transfer('paste', 'pasted.png', png, 'image/png');
    const attached = page.getByRole('list', { name: 'Attached files' });
    await attached.getByText('dropped.png').waitFor();
    await attached.getByText('pasted.png').waitFor();
    await shot(page, 'chat-attached-files');
    const before = gateway.fake.requests.length;
    await page.getByLabel('Message').fill('what is in these pictures?');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => gateway.fake.requests.length, { timeout: 10_000 }).toBeGreaterThan(before);
    const parts = lastUserParts();
    const text = parts.filter((part) => part.type === 'text').map((part) => part.text).join('\n');
    expect(text).toContain('what is in these pictures?');
    expect(text).toContain('[image: dropped.png (image/png, ');
    expect(text).toContain('[image: pasted.png (image/png, ');
    expect(text).not.toContain('webchat-upload:');
    const images = parts.filter((part) => part.type === 'image_url').map((part) => part.image_url?.url);
    // Both uploads, in the order they finished: the dropped one byte for byte.
    expect(images).toHaveLength(2);
    expect(images).toContain(`data:image/png;base64,${PNG_1X1.toString('base64')}`);
    for (const url of images) expect(url).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/=]+$/);

    const dir = sessionMediaDir(join(gateway.kernel.tempDir, 'state', 'media', 'webchat'), 'agent:main:main');
    const stored = readdirSync(dir).filter((name) => !name.endsWith('.json') && !name.startsWith('.'));
    expect(stored).toHaveLength(2);
    for (const name of stored) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    await expect.poll(() => page.getByRole('list', { name: 'Attached files' }).count(), { timeout: 10_000 }).toBe(0);
  });

  it('a file named like an image whose bytes are not one is refused with a clear message', async () => {
    await transfer('drop', 'fake.png', Buffer.from('just some text').toString('base64'), 'image/png');
    await page.getByText('fake.png was not attached: file "fake.png" is named like an image but its bytes are text/plain; charset=utf-8').waitFor();
    expect(await page.getByRole('list', { name: 'Attached files' }).count()).toBe(0);
    // The refused upload is the one console error the page may log (Chromium reports the 415).
    expect(consoleErrors).toEqual([expect.stringContaining('415 (Unsupported Media Type)')]);
    consoleErrors.length = 0;
  });

  it('an image the assistant sends to webchat shows inline (fetched with the credential)', async () => {
    await gateway.kernel.use(channelsServiceRef).send('webchat', { chatType: 'dm', chatId: 'owner' }, '', { attachments: [await outboundAttachment(PNG_1X1, 'chart.png', 'the chart')] });
    const image = page.locator('img.attachment[alt="chart.png"]');
    await image.waitFor();
    // Loaded from the blob URL (the page's CSP allows blob: images): a 1×1 picture, not a broken image.
    await expect.poll(() => image.evaluate((img: any) => (img.complete ? img.naturalWidth : 0)), { timeout: 10_000 }).toBe(1);
    expect(await page.locator('.message.assistant p', { hasText: 'the chart' }).count()).toBe(1);
    await shot(page, 'chat-file-from-assistant');
    expect(consoleErrors).toEqual([]);
  });

  it('a picture the agent sends in this chat (send_file) shows inline and stays after the reply reloads the history', async () => {
    const workspace = join(gateway.kernel.tempDir, 'clawd');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'run-chart.png'), PNG_1X1);
    gateway.fake.script({ toolCall: { name: 'send_file', args: { path: 'run-chart.png' } } }, { text: 'Here is the chart from the run.' });
    await page.getByLabel('Message').fill('draw it');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('.message.assistant:not(.streaming) p', { hasText: 'Here is the chart from the run.' }).waitFor({ timeout: 10_000 });
    const image = page.locator('img.attachment[alt="run-chart.png"]');
    await image.waitFor({ timeout: 10_000 });
    await expect.poll(() => image.evaluate((img: any) => (img.complete ? img.naturalWidth : 0)), { timeout: 10_000 }).toBe(1);
    // The history reload after the run's end does not drop it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await image.count()).toBe(1);
    await shot(page, 'chat-file-from-run');
    expect(consoleErrors).toEqual([]);
  });
});
