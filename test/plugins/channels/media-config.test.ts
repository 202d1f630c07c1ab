/** The `channels` plugin's `media` options: a wrong value stops the start with an error naming its path and what is expected. */
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import type { MoltbotError } from '../../../core/errors.ts';

async function startError(media: Record<string, unknown>): Promise<MoltbotError> {
  const kernel = await createTestKernel({ config: { plugins: [['channels', { media }]] }, start: false });
  try {
    await kernel.load();
  } catch (error) {
    return error as MoltbotError;
  }
  throw new Error('the kernel loaded');
}

describe('channels media options', () => {
  it.each([
    [{ maxBytes: '20MB' }, 'options.media.maxBytes'],
    [{ allowedTypes: ['images'] }, 'options.media.allowedTypes[0] must match'],
    [{ transcription: { model: 'whisper-1' } }, 'options.media.transcription'],
    [{ transcription: { baseURL: 'ftp://stt.example' } }, 'options.media.transcription.baseURL'],
    [{ retentionDay: 7 }, 'retentionDay'],
  ])('%j is refused naming %s', async (media, path) => {
    const error = await startError(media);
    expect(error.code).toBe('MOLT_ERR_PLUGIN_OPTIONS_INVALID');
    expect(error.message).toContain(path);
  });
});
