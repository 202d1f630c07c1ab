/**
 * `<stateDir>/cron/jobs.json`: the jobs added at runtime and every job's run state, written
 * atomically (temp + fsync + rename, 0600) and one write at a time, so a crash leaves either
 * the old or the new file, never a torn one.
 */
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../sdk/core/index.ts';
import { MoltbotError } from '../../sdk/core/index.ts';
import type { CronFile as SharedCronFile, CronStore as SharedCronStore, StoredJob as SharedStoredJob } from '../../sdk/cluster/index.ts';
import type { JobInput } from './job.ts';
import { cronErrors } from './error-codes.ts';

// The store contract is shared with cluster plugins (`moltbot/plugin-sdk/cluster`); cron's jobs are JobInput.
export type { JobState, RunStatus } from '../../sdk/cluster/index.ts';
export type CronFile = SharedCronFile<JobInput>;
export type CronStore = SharedCronStore<JobInput>;
export type StoredJob = SharedStoredJob<JobInput>;

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
        throw new MoltbotError(cronErrors.MOLT_ERR_CRON_STATE, { message: `cannot read ${file}: ${(error as Error).message}`, plugin: 'cron', cause: error });
      }
      try {
        const data = JSON.parse(text) as CronFile;
        if (data?.version !== 1 || !Array.isArray(data.jobs) || typeof data.state !== 'object' || data.state === null) throw new Error('not a version 1 cron file');
        return data;
      } catch (error) {
        throw new MoltbotError(cronErrors.MOLT_ERR_CRON_STATE, { message: `${file} is damaged: ${(error as Error).message}`, plugin: 'cron', cause: error });
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
