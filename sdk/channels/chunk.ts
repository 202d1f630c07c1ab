/**
 * Splits a reply into chunks of at most `max` UTF-16 code units (JavaScript string length),
 * breaking at the last paragraph break that fits, else the last line break, else the last
 * sentence end, else the last space; only a single unbroken word longer than `max` is cut
 * inside, and never between the two halves of a surrogate pair.
 */

const SENTENCE_END = /[.!?…。！？]["')\]]*\s/g;

function lastBreak(window: string, pattern: RegExp | string): number {
  if (typeof pattern === 'string') {
    const at = window.lastIndexOf(pattern);
    return at > 0 ? at + pattern.length : -1;
  }
  let end = -1;
  for (const match of window.matchAll(pattern)) end = match.index + match[0].length;
  return end > 0 ? end : -1;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function cutAt(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  // +1: a break right after the limit (the separator itself) still leaves a chunk of `max`.
  for (const pattern of ['\n\n', '\n', SENTENCE_END, /\s+/g] as const) {
    const at = lastBreak(window, pattern);
    if (at > 0 && text.slice(0, at).trimEnd().length > 0 && text.slice(0, at).trimEnd().length <= max) return at;
  }
  return isHighSurrogate(text.charCodeAt(max - 1)) ? max - 1 : max;
}

export function chunkText(text: string, max: number): string[] {
  if (!Number.isInteger(max) || max < 2) throw new RangeError(`chunkText(): max must be an integer >= 2 (got ${max})`);
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const at = cutAt(rest, max);
    const chunk = rest.slice(0, at).trimEnd();
    if (chunk.length > 0) chunks.push(chunk);
    rest = rest.slice(at).trimStart();
  }
  if (rest.length > 0) chunks.push(rest);
  return chunks;
}
