/**
 * Image parts right before a model call. A user message with stored images carries references
 * (`parts`, file paths under the state directory); for a model that takes images each part gets
 * its bytes as base64 `data`, for one that does not the parts go and the text says so. Files
 * are read only under `<stateDir>/media/` (a reference cannot point elsewhere) and at most once
 * per run.
 */
import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { ChatMessage, ImagePart, ProviderConfig } from '../../sdk/agent/index.ts';

/**
 * `providers.<id>.images`, else true for the `anthropic` and `openai` providers and any
 * Anthropic-format endpoint (their current models take images); false for other OpenAI-compatible
 * servers (a local text model would choke on image parts).
 */
export function takesImages(providerId: string, providers: Readonly<Record<string, ProviderConfig>>): boolean {
  const config = providers[providerId];
  if (config?.images !== undefined) return config.images;
  return providerId === 'anthropic' || providerId === 'openai' || config?.api === 'anthropic';
}

/** Anthropic refuses an image over 5 MB (and the whole request with it); OpenAI's limit is higher. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export type ImageLoader = (part: ImagePart) => Promise<string | undefined>;

/** Reads stored images as base64, confined to `<stateDir>/media/`; undefined for a missing (expired) file. */
export function createImageLoader(stateDir: string): ImageLoader {
  const root = resolve(stateDir, 'media') + sep;
  const cache = new Map<string, Promise<string | undefined>>();
  return (part) => {
    const path = resolve(stateDir, part.file);
    if (!path.startsWith(root)) return Promise.resolve(undefined);
    let loaded = cache.get(path);
    if (loaded === undefined) {
      loaded = readFile(path).then((bytes) => bytes.toString('base64'), () => undefined);
      cache.set(path, loaded);
    }
    return loaded;
  };
}

export async function withImages(messages: readonly ChatMessage[], canSee: boolean, load: ImageLoader): Promise<ChatMessage[]> {
  if (!messages.some((message) => message.parts !== undefined && message.parts.length > 0)) return [...messages];
  return Promise.all(messages.map(async (message) => {
    if (message.parts === undefined || message.parts.length === 0) return message;
    const { parts, ...rest } = message;
    const kept: ImagePart[] = [];
    const notes: string[] = [];
    for (const part of parts) {
      const name = part.name ?? 'image';
      if (!canSee) {
        notes.push(`[the image "${name}" is not shown: this model does not take images]`);
        continue;
      }
      const data = part.data ?? (await load(part));
      if (data === undefined) notes.push(`[the image "${name}" is no longer stored]`);
      else if (Math.floor((data.length * 3) / 4) > MAX_IMAGE_BYTES) notes.push(`[the image "${name}" is too large to show the model (over 5 MB)]`);
      else kept.push({ ...part, data });
    }
    const content = notes.length > 0 ? [rest.content, ...notes].filter((line) => line !== '').join('\n') : rest.content;
    return { ...rest, content, ...(kept.length > 0 ? { parts: kept } : {}) };
  }));
}
