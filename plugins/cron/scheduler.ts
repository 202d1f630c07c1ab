/**
 * The scheduler: one timer for the nearest due job (none when nothing is scheduled), re-armed
 * on every change. When it fires it re-reads the clock, so a timer that fires early (clock set
 * back) runs nothing and one that fires late (clock jump, suspend) runs each due job once for
 * its latest slot and counts the passed-over ones. The timer never sleeps longer than
 * `maxTimerMs` (also below setTimeout's 2^31-1 ms limit), so a wall-clock jump is noticed.
 *
 * Exactly once per slot: a slot is written to the state file as claimed before its run starts;
 * after a restart the next slot is computed after the claimed one, so a run cut short by a
 * restart is not repeated (it shows as `interrupted`). Runs of one job never overlap: slots
 * that pass while it runs are skipped and counted.
 */
import type { Logger } from '../../sdk/core/index.ts';
import { isMoltbotError, MoltbotError } from '../../sdk/core/index.ts';
import type { Job } from './job.ts';
import { dueSlots, nextSlot } from './schedule.ts';
import type { CronFile, CronStore, JobState } from './store.ts';
import { cronErrors } from './error-codes.ts';

export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export interface RunOutcome {
  job: Job;
  state: JobState;
  slot: number | undefined;
  ok: boolean;
  error?: string;
  latenessMs: number;
  durationMs: number;
}

export interface SchedulerDeps {
  store: CronStore;
  /** Jobs from the config (and the heartbeat): they win over runtime jobs with the same id. */
  declared: Job[];
  /** Rebuilds a runtime job read back from the state file. */
  revive(input: CronFile['jobs'][number]): Job;
  /** One run: the agent turn and the delivery; throws when either fails. */
  execute(job: Job, slot: number | undefined): Promise<void>;
  onOutcome?(outcome: RunOutcome): void;
  log: Logger;
  maxTimerMs: number;
}

export interface JobView {
  id: string;
  source: Job['source'];
  owner?: string;
  input: Job['input'];
  running: boolean;
  state: JobState;
}

export interface Totals {
  runs: number;
  failures: number;
  skipped: number;
  missed: number;
  lastLatenessMs: number;
  maxLatenessMs: number;
}

interface Entry {
  job: Job;
  state: JobState;
  running?: Promise<void>;
}

export class Scheduler {
  readonly totals: Totals = { runs: 0, failures: 0, skipped: 0, missed: 0, lastLatenessMs: 0, maxLatenessMs: 0 };
  readonly #deps: SchedulerDeps;
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Set<Promise<void>>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #started = false;
  #stopped = false;

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  get started(): boolean {
    return this.#started;
  }

  /** Loads jobs and state, handles slots missed while down (catchUp policy), arms the timer. */
  async start(): Promise<void> {
    // Started again after a stop (cluster takeover): the stored state is the truth, not memory.
    this.#stopped = false;
    this.#entries.clear();
    let file: CronFile;
    try {
      file = await this.#deps.store.load();
    } catch (error) {
      // A damaged file must not keep the gateway down: set it aside (for repair) and start empty.
      const aside = await this.#deps.store.quarantine();
      this.#deps.log.error({ err: error, movedTo: aside }, 'cron: the state file is damaged; moved aside, runtime jobs and run state start empty');
      file = { version: 1, jobs: [], state: {} };
    }
    const now = Date.now();
    const jobs = [...this.#deps.declared];
    const declaredIds = new Set(jobs.map((j) => j.id));
    for (const stored of file.jobs) {
      if (declaredIds.has(stored.input.id)) {
        this.#deps.log.warn({ job: stored.input.id }, 'cron: a runtime job has the id of a job in the config; the config one wins');
        continue;
      }
      try {
        jobs.push(this.#deps.revive(stored));
      } catch (error) {
        this.#deps.log.error({ job: stored.input.id, err: error }, 'cron: a stored job is no longer valid and is not scheduled');
      }
    }
    for (const job of jobs) {
      const state: JobState = file.state[job.id] ?? { anchor: now, runCount: 0, failures: 0, skipped: 0, missed: 0 };
      if (state.lastStatus === 'running') {
        state.lastStatus = 'interrupted';
        state.lastError = 'the gateway stopped during this run; its slot is not run again';
      }
      this.#entries.set(job.id, { job, state });
    }
    this.#started = true;
    const catchUp: [Entry, number][] = [];
    for (const entry of this.#entries.values()) {
      if (!entry.job.enabled || entry.state.done) continue;
      const due = dueSlots(entry.job.schedule, entry.state.anchor, this.#after(entry), now);
      if (due.latest !== undefined) {
        entry.state.missed += due.count;
        this.totals.missed += due.count;
        if (entry.job.catchUp === 'once') catchUp.push([entry, due.latest]);
        else {
          entry.state.lastSlot = due.latest;
          if (entry.job.schedule.kind === 'at') entry.state.done = true;
        }
        this.#deps.log.info({ job: entry.job.id, missed: due.count, catchUp: entry.job.catchUp }, 'cron: slots missed while the gateway was down');
      }
      this.#plan(entry, now);
    }
    // Nothing scheduled and nothing stored: no file is written (the idle plugin costs a read).
    if (this.#entries.size > 0 || Object.keys(file.state).length > 0) await this.#save(() => undefined);
    for (const [entry, slot] of catchUp) void this.#fire(entry, slot);
    this.#arm();
  }

  stop(): void {
    this.#stopped = true;
    this.#started = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves once no run is in flight (runs started meanwhile included). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  list(): JobView[] {
    return [...this.#entries.values()].map((e) => this.#view(e));
  }

  get(id: string): JobView | undefined {
    const entry = this.#entries.get(id);
    return entry === undefined ? undefined : this.#view(entry);
  }

  async add(job: Job): Promise<JobView> {
    if (this.#entries.has(job.id)) throw new MoltbotError(cronErrors.MOLT_ERR_CRON_JOB_EXISTS, { message: `cron job "${job.id}" already exists`, plugin: 'cron' });
    const entry: Entry = { job, state: { anchor: Date.now(), runCount: 0, failures: 0, skipped: 0, missed: 0 } };
    this.#entries.set(job.id, entry);
    this.#plan(entry, Date.now());
    await this.#save(() => {
      if (this.#entries.get(job.id) === entry) this.#entries.delete(job.id);
    });
    this.#arm();
    return this.#view(entry);
  }

  /** Replaces a runtime job's definition, keeping its run state (a new `at` may run again). */
  async replace(job: Job): Promise<JobView> {
    const entry = this.#mutable(job.id);
    const before = { job: entry.job, state: structuredClone(entry.state) };
    // Re-enabled: the slots of the disabled time are not owed.
    if (!entry.job.enabled && job.enabled) entry.state.lastSlot = Math.max(entry.state.lastSlot ?? entry.state.anchor, Date.now());
    entry.job = job;
    if (job.schedule.kind === 'at' && job.schedule.at > Date.now()) delete entry.state.done;
    this.#plan(entry, Date.now());
    await this.#save(() => {
      entry.job = before.job;
      entry.state = before.state;
    });
    this.#arm();
    return this.#view(entry);
  }

  async remove(id: string): Promise<void> {
    const entry = this.#mutable(id);
    this.#entries.delete(id);
    await this.#save(() => {
      if (!this.#entries.has(id)) this.#entries.set(id, entry);
    });
    this.#arm();
  }

  /** Runs a job now, outside its schedule (claims no slot); resolves when the run ends. */
  runNow(id: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (entry === undefined) throw notFound(id);
    if (entry.running !== undefined) throw new MoltbotError(cronErrors.MOLT_ERR_CRON_BUSY, { message: `cron job "${id}" is running`, plugin: 'cron' });
    return this.#fire(entry, undefined);
  }

  #mutable(id: string): Entry {
    const entry = this.#entries.get(id);
    if (entry === undefined) throw notFound(id);
    if (entry.job.source !== 'runtime') throw new MoltbotError(cronErrors.MOLT_ERR_CRON_READ_ONLY, { message: `cron job "${id}" is declared in the config (${entry.job.source === 'heartbeat' ? 'cron.heartbeat' : 'cron.jobs'})`, plugin: 'cron' });
    return entry;
  }

  #view(entry: Entry): JobView {
    return {
      id: entry.job.id, source: entry.job.source, ...(entry.job.owner !== undefined ? { owner: entry.job.owner } : {}),
      input: entry.job.input, running: entry.running !== undefined, state: { ...entry.state },
    };
  }

  /** Slots after this instant are still to run. */
  #after(entry: Entry): number {
    return entry.state.lastSlot ?? entry.state.anchor;
  }

  #plan(entry: Entry, now: number): void {
    const next = entry.job.enabled && !entry.state.done ? nextSlot(entry.job.schedule, entry.state.anchor, Math.max(this.#after(entry), now)) : undefined;
    if (next === undefined) delete entry.state.nextRunAt;
    else entry.state.nextRunAt = next;
  }

  #arm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped || !this.#started) return;
    let nearest = Infinity;
    for (const entry of this.#entries.values()) {
      if (entry.running === undefined && entry.state.nextRunAt !== undefined) nearest = Math.min(nearest, entry.state.nextRunAt);
    }
    if (nearest === Infinity) return;
    const delay = Math.min(Math.max(0, nearest - Date.now()), this.#deps.maxTimerMs, MAX_TIMEOUT_MS);
    this.#timer = setTimeout(() => this.#tick(), delay);
    this.#timer.unref?.();
  }

  #tick(): void {
    this.#timer = undefined;
    const now = Date.now();
    for (const entry of this.#entries.values()) {
      if (entry.running !== undefined || entry.state.nextRunAt === undefined || entry.state.nextRunAt > now) continue;
      const due = dueSlots(entry.job.schedule, entry.state.anchor, this.#after(entry), now);
      if (due.latest === undefined) {
        this.#plan(entry, now);
        continue;
      }
      this.#skip(entry, due.count - 1);
      void this.#fire(entry, due.latest);
    }
    this.#arm();
  }

  #skip(entry: Entry, count: number): void {
    if (count <= 0) return;
    entry.state.skipped += count;
    this.totals.skipped += count;
    this.#deps.log.warn({ job: entry.job.id, skipped: count }, 'cron: slots skipped (a run was still going or the timer woke late)');
  }

  #fire(entry: Entry, slot: number | undefined): Promise<void> {
    const run = this.#run(entry, slot);
    const tracked = run.finally(() => {
      this.#inFlight.delete(tracked);
      if (entry.running === tracked) delete entry.running;
      if (!this.#stopped) this.#arm();
    });
    entry.running = tracked;
    this.#inFlight.add(tracked);
    return tracked;
  }

  async #run(entry: Entry, slot: number | undefined): Promise<void> {
    const { job, state } = entry;
    const started = Date.now();
    if (slot !== undefined) state.lastSlot = slot;
    state.lastStatus = 'running';
    this.#plan(entry, started);
    let error: string | undefined;
    if ((await this.#persist()) !== undefined) error = 'the slot could not be written to the state file, so the job did not run';
    else {
      try {
        await this.#deps.execute(job, slot);
      } catch (cause) {
        error = (cause as Error)?.message ?? String(cause);
      }
    }
    const ended = Date.now();
    state.lastRunAt = started;
    state.runCount++;
    state.lastStatus = error === undefined ? 'ok' : 'error';
    if (error === undefined) {
      state.failures = 0;
      delete state.lastError;
    } else {
      state.failures++;
      state.lastError = error.slice(0, 500);
    }
    if (job.schedule.kind === 'at' && slot !== undefined) state.done = true;
    // Slots that came due while this run went on are skipped, never stacked.
    if (slot !== undefined && entry.job === job && !state.done) {
      const overlapped = dueSlots(job.schedule, state.anchor, slot, ended);
      if (overlapped.latest !== undefined) {
        this.#skip(entry, overlapped.count);
        state.lastSlot = overlapped.latest;
      }
    }
    this.#plan(entry, ended);
    const latenessMs = slot === undefined ? 0 : Math.max(0, started - slot);
    this.totals.runs++;
    if (error !== undefined) this.totals.failures++;
    if (slot !== undefined) {
      this.totals.lastLatenessMs = latenessMs;
      this.totals.maxLatenessMs = Math.max(this.totals.maxLatenessMs, latenessMs);
    }
    if (this.#entries.get(job.id) === entry) await this.#persist();
    this.#deps.onOutcome?.({ job, state: { ...state }, slot, ok: error === undefined, ...(error !== undefined ? { error } : {}), latenessMs, durationMs: ended - started });
  }

  /**
   * Persists a job change; when the state file cannot be written `undo` takes the change back
   * out of memory (a refused add does not run, a refused remove still runs) and the caller gets
   * the cause — MOLT_ERR_STORE_NO_SPACE for a full disk, which names the file and the fix.
   */
  async #save(undo: () => void): Promise<void> {
    const error = await this.#persist();
    if (error === undefined) return;
    undo();
    this.#arm();
    if (isMoltbotError(error)) throw error;
    throw new MoltbotError(cronErrors.MOLT_ERR_CRON_STATE, { message: `cannot write ${this.#deps.store.file}`, plugin: 'cron', cause: error });
  }

  /** The error (logged) when the state file could not be written. */
  async #persist(): Promise<unknown> {
    const jobs: CronFile['jobs'] = [];
    const state: CronFile['state'] = {};
    for (const entry of this.#entries.values()) {
      state[entry.job.id] = entry.state;
      if (entry.job.source === 'runtime') jobs.push({ input: entry.job.input, ...(entry.job.owner !== undefined ? { owner: entry.job.owner } : {}) });
    }
    try {
      await this.#deps.store.save({ version: 1, jobs, state });
      return undefined;
    } catch (error) {
      this.#deps.log.error({ err: error, file: this.#deps.store.file }, 'cron: cannot write the state file');
      return error ?? new Error('cron state write failed');
    }
  }
}

function notFound(id: string): MoltbotError {
  return new MoltbotError(cronErrors.MOLT_ERR_CRON_NOT_FOUND, { message: `no cron job "${id}"`, plugin: 'cron' });
}
