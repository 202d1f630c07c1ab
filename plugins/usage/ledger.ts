/**
 * The usage ledger file: one JSON line per model call, appended with fsync (AppendFile), so an
 * acknowledged record survives a crash. Reading skips a torn last line (a crash mid-append)
 * and any line that is not a record, so one bad line never hides the rest.
 */
import { chmod, mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppendFile } from '../../sdk/core/index.ts';
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

/** Appends records; the file and its directory are created private (0600 / 0700) on first use. */
export class LedgerWriter {
  readonly #file: string;
  readonly #appender: AppendFile;
  #ready: Promise<void> | undefined;

  constructor(file: string) {
    this.#file = file;
    this.#appender = new AppendFile(file);
  }

  async append(record: UsageRecord): Promise<void> {
    // A failed prepare (e.g. a full disk) is retried by the next record.
    this.#ready ??= prepare(this.#file).catch((error: unknown) => {
      this.#ready = undefined;
      throw error;
    });
    await this.#ready;
    await this.#appender.append(`${JSON.stringify(record)}\n`);
  }

  close(): Promise<void> {
    return this.#appender.close();
  }
}

async function prepare(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const handle = await open(file, 'a', 0o600);
  await handle.close();
  await chmod(file, 0o600);
}
