/**
 * `sessions.json`: the per-agent index. It is derived data (every field can be recomputed from
 * the transcripts), written atomically: temp file + fsync + rename + directory fsync. A corrupt
 * index is moved aside (`sessions.json.corrupt-<ms>`) and rebuilt.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../sdk/core/index.ts';
import type { SessionSummary } from '../../sdk/agent/index.ts';

export interface IndexData {
  version: 1;
  sessions: Record<string, SessionSummary>;
}

export type IndexRead = { ok: true; data: IndexData } | { ok: false; reason: 'missing' } | { ok: false; reason: 'corrupt'; quarantined: string };

export async function readIndex(dir: string, now = Date.now()): Promise<IndexRead> {
  const file = join(dir, 'sessions.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'missing' };
    throw error;
  }
  try {
    const data = JSON.parse(text) as IndexData;
    if (data?.version === 1 && typeof data.sessions === 'object' && data.sessions !== null) return { ok: true, data };
  } catch {
    // fall through to quarantine
  }
  const quarantined = `${file}.corrupt-${now}`;
  await rename(file, quarantined);
  return { ok: false, reason: 'corrupt', quarantined };
}

export async function writeIndex(dir: string, data: IndexData): Promise<void> {
  const file = join(dir, 'sessions.json');
  await writeFileAtomic(file, `${JSON.stringify(data)}\n`);
}
