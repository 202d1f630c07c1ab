/**
 * Keeps fenced code blocks whole across the chunks of one reply. The channels service cuts a
 * long reply at paragraph/line boundaries without knowing Markdown; a cut inside a ``` block
 * would make Discord render the rest of that chunk, and the start of the next one, as prose.
 * So a chunk that ends inside a block gets a closing fence, and the next chunk of the same reply
 * reopens it with the same language. The adapter announces a limit `FENCE_ROOM` characters
 * below Discord's 2000 so the repaired chunk still fits.
 */

/** Closing "\n```" plus a reopening "```<language>\n" (language names are capped to fit). */
export const FENCE_ROOM = 40;
const MAX_LANGUAGE = FENCE_ROOM - 4 - 4;

const FENCE = /^ {0,3}```([^`\n]*)$/gm;

/** The language of the block `text` ends inside (`''` for a plain ```), or undefined when all blocks are closed. */
export function openFence(text: string): string | undefined {
  let open: string | undefined;
  for (const match of text.matchAll(FENCE)) {
    open = open === undefined ? (match[1] ?? '').trim().slice(0, MAX_LANGUAGE) : undefined;
  }
  return open;
}

/** `chunk` as sent: reopened when the previous chunk left `carried` open, closed when it ends inside a block. */
export function repairFences(chunk: string, carried: string | undefined): { text: string; open: string | undefined } {
  const text = carried === undefined ? chunk : `\`\`\`${carried}\n${chunk}`;
  const open = openFence(text);
  return { text: open === undefined ? text : `${text}\n\`\`\``, open };
}
