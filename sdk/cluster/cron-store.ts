/**
 * Where the cron plugin keeps its jobs and their run state. One process: a file under the state
 * dir (the cron plugin's own). Several gateway instances: a cluster plugin provides the
 * `cron-store` service (`cluster-redis` keeps it in Redis) so every instance sees the same jobs
 * and a slot claimed by one is not run by another. The job input is opaque to the store.
 */
import { createServiceRef } from '../core/index.ts';

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

export interface StoredJob<Input = unknown> {
  input: Input;
  owner?: string;
}

export interface CronFile<Input = unknown> {
  version: 1;
  jobs: StoredJob<Input>[];
  state: Record<string, JobState>;
}

export interface CronStore<Input = unknown> {
  /** Where it lives, for messages (a path, or the Redis key). */
  readonly file: string;
  load(): Promise<CronFile<Input>>;
  save(data: CronFile<Input>): Promise<void>;
  /** Moves a damaged copy aside (kept for repair); returns where it went. */
  quarantine(): Promise<string>;
}

/** A shared job store (service id "cron-store"); without one, cron keeps its own file. */
export const cronStoreServiceRef = createServiceRef<CronStore>({
  id: 'cron-store',
  description: 'Cron jobs and run state shared by gateway instances (plugin "cluster-redis")',
});
