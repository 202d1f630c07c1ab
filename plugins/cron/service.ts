/**
 * The `cron` service: what RPC, the CLI (through RPC), the agent tool and an embedding program
 * use. Jobs declared in `cron.jobs` are read-only here (the config wins); jobs added at runtime
 * live in the state file.
 */
import { MoltbotError } from '../../sdk/core/index.ts';
import { compileJob, invalidJob, type JobInput } from './job.ts';
import type { JobView, Scheduler, Totals } from './scheduler.ts';
import { cronErrors } from './error-codes.ts';

export interface CronService {
  list(): JobView[];
  get(id: string): JobView | undefined;
  /** Adds a runtime job; `owner` is the session that added it through the `cron` tool. */
  add(input: JobInput, owner?: string): Promise<JobView>;
  /** Changes fields of a runtime job (a schedule field given replaces the old schedule). */
  update(id: string, patch: Partial<Omit<JobInput, 'id'>>): Promise<JobView>;
  remove(id: string): Promise<void>;
  /** Starts a run now, outside the schedule; resolves when the run has ended. */
  run(id: string): Promise<void>;
  /** Resolves when no run is in flight. */
  settled(): Promise<void>;
  readonly totals: Readonly<Totals>;
}

const SCHEDULE_KEYS = ['at', 'every', 'cron'] as const;

export function createCronService(scheduler: Scheduler, limits: { maxJobs: number; notRunning?: () => string | undefined }): CronService {
  const ready = () => {
    if (!scheduler.started) throw new MoltbotError('MOLT_ERR_KERNEL_PHASE', { message: limits.notRunning?.() ?? 'the cron scheduler starts with the kernel; call it after start()', plugin: 'cron' });
  };
  return {
    list: () => scheduler.list(),
    get: (id) => scheduler.get(id),
    async add(input, owner) {
      ready();
      const runtime = scheduler.list().filter((j) => j.source === 'runtime').length;
      if (runtime >= limits.maxJobs) throw invalidJob('cron.add', `would exceed maxJobs (${limits.maxJobs}); remove a job first`);
      const job = compileJob(input, 'runtime', 'job', owner);
      if (job.schedule.kind === 'at' && job.schedule.at <= Date.now()) throw invalidJob('job.at', `${JSON.stringify(input.at)} is in the past`);
      return scheduler.add(job);
    },
    async update(id, patch) {
      ready();
      const current = scheduler.get(id);
      if (current === undefined) throw new MoltbotError(cronErrors.MOLT_ERR_CRON_NOT_FOUND, { message: `no cron job "${id}"`, plugin: 'cron' });
      const base: Record<string, unknown> = { ...current.input };
      if (SCHEDULE_KEYS.some((key) => (patch as Record<string, unknown>)[key] !== undefined)) for (const key of SCHEDULE_KEYS) delete base[key];
      const input = { ...base, ...patch, id } as JobInput;
      return scheduler.replace(compileJob(input, 'runtime', 'job', current.owner));
    },
    async remove(id) {
      ready();
      await scheduler.remove(id);
    },
    run(id) {
      ready();
      return scheduler.runNow(id);
    },
    settled: () => scheduler.settled(),
    get totals() {
      return scheduler.totals;
    },
  };
}
