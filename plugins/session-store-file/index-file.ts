/**
 * `sessions.json`: the per-agent index. It is derived data (every field can be recomputed from
 * the transcripts), written atomically: temp file + fsync + rename + directory fsync. A corrupt
 * index is moved aside (`sessions.json.corrupt-<ms>`) and rebuilt.
 */
import { open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SessionSummary } from '../agent/types.ts';

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
  const temp = `${file}.tmp-${process.pid}`;
  await writeFile(temp, `${JSON.stringify(data)}\n`, { mode: 0o600 });
  const handle = await open(temp, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}
