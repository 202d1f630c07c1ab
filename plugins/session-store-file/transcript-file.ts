/**
 * Reading a transcript back after anything, a crash included: every line is read on its own. A
 * torn last line is dropped (and cut off on disk), an unreadable middle line is skipped alone (a
 * record glued onto it is found again), and a tool call whose result never got written is closed
 * with an error result, so the next model call sees a valid history.
 */
import { open, readFile, truncate } from 'node:fs/promises';
import type { TranscriptEntry } from '../../sdk/agent/index.ts';

export interface ParsedTranscript {
  entries: TranscriptEntry[];
  /** Byte length of the valid prefix (the file is cut to it when a tail is torn). */
  validBytes: number;
  tornTail: boolean;
  skippedLines: number;
}

export function parseTranscript(buffer: Buffer): ParsedTranscript {
  const entries: TranscriptEntry[] = [];
  let offset = 0;
  let skippedLines = 0;
  let tornTail = false;
  while (offset < buffer.length) {
    const newline = buffer.indexOf(0x0a, offset);
    if (newline === -1) {
      tornTail = true;
      break;
    }
    const line = buffer.toString('utf8', offset, newline);
    const entry = parseLine(line) ?? rescueGlued(line);
    if (entry !== undefined) entries.push(entry);
    else if (line.trim() !== '') {
      // Only the last line can be torn by a crash; treat an unreadable final line the same way.
      if (newline === buffer.length - 1) {
        tornTail = true;
        break;
      }
      skippedLines++;
    }
    offset = newline + 1;
  }
  return { entries, validBytes: offset, tornTail, skippedLines };
}

function parseLine(line: string): TranscriptEntry | undefined {
  try {
    const value = JSON.parse(line) as TranscriptEntry;
    return typeof value === 'object' && value !== null && typeof value.kind === 'string' && typeof value.id === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A record glued onto a torn one (a writer before the appender cut torn tails back made such
 * lines): one bad line must not swallow the record after it. Inside a JSON string every quote is
 * escaped, so the raw text `{"kind":` only occurs where an object starts; the first start whose
 * rest of the line is one whole entry is that record.
 */
function rescueGlued(line: string): TranscriptEntry | undefined {
  for (let at = line.indexOf(RECORD_START, 1); at !== -1; at = line.indexOf(RECORD_START, at + 1)) {
    const entry = parseLine(line.slice(at));
    if (entry !== undefined) return entry;
  }
  return undefined;
}

const RECORD_START = '{"kind":';

export async function readTranscript(file: string): Promise<ParsedTranscript & { fileBytes: number }> {
  let buffer: Buffer;
  try {
    buffer = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], validBytes: 0, tornTail: false, skippedLines: 0, fileBytes: 0 };
    throw error;
  }
  return { ...parseTranscript(buffer), fileBytes: buffer.length };
}

/** Cuts a torn tail off the file, durably. */
export async function cutTo(file: string, bytes: number): Promise<void> {
  await truncate(file, bytes);
  const handle = await open(file, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
