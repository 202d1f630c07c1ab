/**
 * `<stateDir>/cron/jobs.json`: the jobs added at runtime and every job's run state, written
 * atomically (temp + fsync + rename, 0600) and one write at a time, so a crash leaves either
 * the old or the new file, never a torn one.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../sdk/core/index.ts';
import { MoltbotError } from '../../sdk/core/index.ts';
import type { JobInput } from './job.ts';

export type RunStatus = 'ok' | 'error' | 'running' | 'interrupted';

export interface JobState {
  /** When the job was first seen: `every` slots count from here, and no slot before it is due. */
  anchor: number;
  /** The latest slot claimed (persisted before its run starts: never run twice). */
  lastSlot?: number;
  lastRunAt?: number;
  lastStatus?: RunStatus;
  lastError?: string;
  nextRunAt?: number;
  runCount: number;
  /** Consecutive failed runs (0 after a success). */
  failures: number;
  /** Slots passed over because the previous run was still going or the timer woke late. */
  skipped: number;
  /** Slots that fell into downtime. */
  missed: number;
  /** A one-shot job that has run. */
  done?: boolean;
}

export interface StoredJob {
  input: JobInput;
  owner?: string;
}

export interface CronFile {
  version: 1;
  jobs: StoredJob[];
  state: Record<string, JobState>;
}

export interface CronStore {
  readonly file: string;
  load(): Promise<CronFile>;
  save(data: CronFile): Promise<void>;
  /** Moves a damaged file aside (kept for repair); returns its new path. */
  quarantine(): Promise<string>;
}

export function cronDir(stateDir: string): string {
  return join(stateDir, 'cron');
}

export function createCronStore(stateDir: string): CronStore {
  const file = join(cronDir(stateDir), 'jobs.json');
  let queue: Promise<unknown> = Promise.resolve();
  return {
    file,
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, jobs: [], state: {} };
        throw new MoltbotError('MOLT_ERR_CRON_STATE', { message: `cannot read ${file}: ${(error as Error).message}`, plugin: 'cron', cause: error });
      }
      try {
        const data = JSON.parse(text) as CronFile;
        if (data?.version !== 1 || !Array.isArray(data.jobs) || typeof data.state !== 'object' || data.state === null) throw new Error('not a version 1 cron file');
        return data;
      } catch (error) {
        throw new MoltbotError('MOLT_ERR_CRON_STATE', { message: `${file} is damaged: ${(error as Error).message}`, plugin: 'cron', cause: error });
      }
    },
    async quarantine() {
      const aside = `${file}.damaged-${Date.now()}`;
      await rename(file, aside);
      return aside;
    },
    save(data) {
      // Serialised: the snapshot taken now is written after the previous write finished.
      const snapshot = JSON.parse(JSON.stringify(data)) as CronFile;
      const write = queue.then(() => writeJsonAtomic(file, snapshot, { mkdir: true }));
      queue = write.catch(() => undefined);
      return write;
    },
  };
}
