/**
 * Speech to text through an OpenAI-compatible `POST <baseURL>/audio/transcriptions` (OpenAI,
 * Groq, a local whisper server): multipart with `file` and `model`, answer `{ "text": … }`.
 * Errors name the HTTP status only (the key never appears).
 */
import type { TranscriptionSettings } from './media-settings.ts';

export async function transcribe(audio: Uint8Array, name: string, mimeType: string, settings: TranscriptionSettings, signal: AbortSignal): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(audio)], { type: mimeType }), name);
  form.append('model', settings.model);
  form.append('response_format', 'json');
  const response = await fetch(`${settings.baseURL}/audio/transcriptions`, {
    method: 'POST',
    body: form,
    headers: settings.apiKey ? { Authorization: `Bearer ${settings.apiKey}` } : {},
    signal: AbortSignal.any([signal, AbortSignal.timeout(settings.timeoutMs)]),
  });
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`the transcription service answered HTTP ${response.status}`);
  }
  const body = (await response.json()) as { text?: unknown };
  if (typeof body.text !== 'string') throw new Error('the transcription service answered without a "text" field');
  return body.text.trim();
}
