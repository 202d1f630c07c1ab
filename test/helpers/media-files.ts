/** Small real files for media tests: a valid 1×1 PNG (the bytes a chart tool would write) and helpers to place files. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A complete 1×1 red PNG (signature, IHDR, IDAT, IEND). */
export const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

/** Writes `bytes` to `dir/name` and returns them. */
export function placeFile(dir: string, name: string, bytes: Uint8Array | string): Buffer {
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes);
  writeFileSync(join(dir, name), data);
  return data;
}

/** The tool results the model was sent (OpenAI wire format), newest last. */
export function toolResults(requests: readonly { body: any }[]): string[] {
  const last = requests.at(-1)?.body?.messages ?? [];
  return last.filter((m: any) => m?.role === 'tool').map((m: any) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content)));
}
