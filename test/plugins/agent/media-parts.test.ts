/**
 * Image parts right before a model call: loaded (base64) for providers whose models take images,
 * replaced by a note otherwise; a reference outside `<stateDir>/media/` or to a deleted file is
 * never read. Both providers' wire formats send loaded parts and nothing for unloaded ones.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createImageLoader, takesImages, withImages } from '../../../plugins/agent/media-parts.ts';
import { toAnthropicMessages } from '../../../plugins/provider-anthropic/anthropic-api.ts';
import { toOpenAiMessages } from '../../../plugins/provider-openai/openai-api.ts';
import type { ChatMessage } from '../../../sdk/agent/index.ts';
import { tinyPng } from '../../helpers/media-fixtures.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

function stateWithImage() {
  const { dir } = useTempDir();
  mkdirSync(join(dir, 'media', 's1'), { recursive: true });
  writeFileSync(join(dir, 'media', 's1', 'a.png'), tinyPng());
  writeFileSync(join(dir, 'secret.txt'), 'not an image');
  return dir;
}

const asked = (file: string): ChatMessage => ({ role: 'user', content: 'what is it?', parts: [{ type: 'image', mimeType: 'image/png', file, name: 'a.png' }] });

describe('image parts', () => {
  it('loads stored images for a model that takes images; both wire formats carry them', async () => {
    const dir = stateWithImage();
    const [message] = await withImages([asked('media/s1/a.png')], true, createImageLoader(dir));
    const data = tinyPng().toString('base64');
    expect(message!.parts).toEqual([{ type: 'image', mimeType: 'image/png', file: 'media/s1/a.png', name: 'a.png', data }]);
    expect(toOpenAiMessages(undefined, [message!])).toEqual([{ role: 'user', content: [{ type: 'text', text: 'what is it?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${data}` } }] }]);
    expect(toAnthropicMessages([message!])).toEqual([{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data } }, { type: 'text', text: 'what is it?' }] }]);
  });

  it('a model without images gets a note; a missing file or one outside media/ is not read', async () => {
    const dir = stateWithImage();
    const [blind] = await withImages([asked('media/s1/a.png')], false, createImageLoader(dir));
    expect(blind).toEqual({ role: 'user', content: 'what is it?\n[the image "a.png" is not shown: this model does not take images]' });
    const [gone, escaped] = await withImages([asked('media/s1/deleted.png'), asked('media/../secret.txt')], true, createImageLoader(dir));
    expect(gone!.content).toContain('[the image "a.png" is no longer stored]');
    expect(escaped!.parts).toBeUndefined();
    // Over 5 MB (Anthropic would refuse the whole request): a note instead.
    const [huge] = await withImages([asked('media/s1/a.png')], true, async () => Buffer.alloc(6 * 1024 * 1024).toString('base64'));
    expect(huge).toEqual({ role: 'user', content: 'what is it?\n[the image "a.png" is too large to show the model (over 5 MB)]' });
    // Without loaded data the providers send the text as before.
    expect(toOpenAiMessages(undefined, [asked('media/s1/a.png')])).toEqual([{ role: 'user', content: 'what is it?' }]);
    expect(toAnthropicMessages([asked('media/s1/a.png')])).toEqual([{ role: 'user', content: [{ type: 'text', text: 'what is it?' }] }]);
  });

  it('which providers take images by default', () => {
    expect(takesImages('anthropic', {})).toBe(true);
    expect(takesImages('openai', { openai: { baseURL: 'https://api.openai.com/v1' } })).toBe(true);
    expect(takesImages('ollama', { ollama: { api: 'openai', baseURL: 'http://127.0.0.1:11434/v1' } })).toBe(false);
    expect(takesImages('llava', { llava: { api: 'openai', images: true } })).toBe(true);
    expect(takesImages('proxy', { proxy: { api: 'anthropic' } })).toBe(true);
  });
});
