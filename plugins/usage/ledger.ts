/**
 * The usage ledger file: one JSON line per model call, appended with fsync (AppendFile), so an
 * acknowledged record survives a crash. Reading skips a torn last line (a crash mid-append)
 * and any line that is not a record, so one bad line never hides the rest.
 */
import { closeSync, constants, fchmodSync, fdatasync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { UsageRecord } from '../../sdk/usage/index.ts';

export const ledgerFile = (dataDir: string) => join(dataDir, 'usage.jsonl');

export interface LedgerRead {
  records: UsageRecord[];
  /** Lines left out: a torn tail or lines that are not records. */
  skipped: number;
}

const isCount = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0;

function isRecord(value: any): value is UsageRecord {
  return typeof value === 'object' && value !== null && isCount(value.at)
    && typeof value.runId === 'string' && typeof value.agentId === 'string' && typeof value.sessionKey === 'string' && typeof value.model === 'string'
    && isCount(value.input) && isCount(value.output) && isCount(value.cached) && (value.costUsd === null || isCount(value.costUsd));
}

export async function readLedger(file: string): Promise<LedgerRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: 0 };
    throw error;
  }
  const lines = text.split('\n');
  // Text after the last newline is a line whose append never completed.
  const tail = lines.pop() ?? '';
  let skipped = tail === '' ? 0 : 1;
  const records: UsageRecord[] = [];
  for (const line of lines) {
    if (line === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    if (isRecord(parsed)) records.push(parsed);
    else skipped++;
  }
  return { records, skipped };
}

/**
 * Appends records. Each line is written synchronously (`writeSync`, a few microseconds into the
 * page cache): once `append` returns, the record survives a SIGKILL of the process. The fsync
 * that makes it survive a power loss runs in the background, shared by the lines written while
 * one is in flight; `flushed()` resolves once every line written so far is fsynced (budgets
 * wait for it before the next model call). The core AppendFile cannot serve here: its writes
 * are asynchronous, so a record could still be in memory when the process is killed.
 *
 * The file and its directory are created private (0600 / 0700) on first use; a torn last line
 * (a crash mid-write) is cut first, and a write that does not fully land is cut back, so every
 * line stays whole.
 */
export class LedgerWriter {
  readonly #file: string;
  #fd: number | undefined;
  #size = 0;
  #synced: Promise<void> = Promise.resolve();
  #syncQueued = false;
  readonly #onSyncError: (error: unknown) => void;

  constructor(file: string, onSyncError: (error: unknown) => void = () => undefined) {
    this.#file = file;
    this.#onSyncError = onSyncError;
  }

  /** Writes one record now; throws when it could not be written (nothing of it stays). */
  append(record: UsageRecord): void {
    const fd = (this.#fd ??= this.#open());
    const data = Buffer.from(`${JSON.stringify(record)}\n`);
    try {
      for (let done = 0; done < data.length;) done += writeSync(fd, data, done, data.length - done, this.#size + done);
    } catch (error) {
      ftruncateSync(fd, this.#size);
      throw error;
    }
    this.#size += data.length;
    this.#queueSync(fd);
  }

  /** Resolves once every record appended so far is fsynced. */
  flushed(): Promise<void> {
    return this.#synced;
  }

  async close(): Promise<void> {
    await this.#synced;
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #queueSync(fd: number): void {
    // One fsync not yet started covers every line written before it starts.
    if (this.#syncQueued) return;
    this.#syncQueued = true;
    this.#synced = this.#synced.then(async () => {
      this.#syncQueued = false;
      await new Promise<void>((resolve) => fdatasync(fd, (error) => {
        if (error) this.#onSyncError(error);
        resolve();
      }));
    });
  }

  #open(): number {
    mkdirSync(dirname(this.#file), { recursive: true, mode: 0o700 });
    const fd = openSync(this.#file, constants.O_RDWR | constants.O_CREAT, 0o600);
    fchmodSync(fd, 0o600);
    this.#size = wholeLength(fd);
    ftruncateSync(fd, this.#size);
    return fd;
  }
}

/** The length of the file up to its last newline (what a crash mid-write leaves after it is cut). */
function wholeLength(fd: number): number {
  let end = fstatSync(fd).size;
  const chunk = Buffer.alloc(4096);
  while (end > 0) {
    const start = Math.max(0, end - chunk.length);
    const read = readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, read).lastIndexOf(0x0a);
    if (at !== -1) return start + at + 1;
    end = start;
  }
  return 0;
}
