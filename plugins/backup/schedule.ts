/**
 * `backup.schedule`: a backup every interval inside the running gateway. A failed run fires a
 * critical `backup.failed` alert; the next good run resolves it.
 */
import type { Alert } from '../../sdk/core/index.ts';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const NAMED: Record<string, number> = { hourly: UNIT_MS.h!, daily: UNIT_MS.d!, weekly: 7 * UNIT_MS.d! };

/** Interval in ms for `hourly|daily|weekly|<n>s|m|h|d`, `undefined` for `off`. */
export function parseSchedule(schedule: string): number | undefined {
  if (schedule === 'off') return undefined;
  const named = NAMED[schedule];
  if (named !== undefined) return named;
  const match = /^([1-9][0-9]*)(s|m|h|d)$/.exec(schedule);
  if (match === null) throw new TypeError(`unsupported schedule ${JSON.stringify(schedule)}`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

export interface Scheduler {
  stop(): void;
}

export interface ScheduleOptions {
  intervalMs: number;
  run(): Promise<unknown>;
  alert(alert: Alert): Promise<void>;
  /** Timer functions (tests pass fake ones). */
  setTimer?: (fn: () => void, ms: number) => { unref?(): unknown };
  clearTimer?: (timer: unknown) => void;
  now?: () => number;
}

export function startSchedule(options: ScheduleOptions): Scheduler {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout));
  const now = options.now ?? Date.now;
  let firing = false;
  let stopped = false;
  let timer: unknown;
  const alert = (state: Alert['state'], message: string, data?: Record<string, unknown>) =>
    options.alert({ id: 'backup.failed', severity: 'critical', source: 'backup', state, message, at: now(), ...(data ? { data } : {}) });
  const tick = async () => {
    try {
      await options.run();
      if (firing) {
        firing = false;
        await alert('resolved', 'scheduled backup succeeded again');
      }
    } catch (error) {
      firing = true;
      const code = (error as { code?: unknown }).code;
      await alert('firing', `scheduled backup failed: ${(error as Error).message}`, typeof code === 'string' ? { code } : undefined);
    } finally {
      arm();
    }
  };
  const arm = () => {
    if (stopped) return;
    const handle = setTimer(() => void tick(), options.intervalMs);
    handle.unref?.();
    timer = handle;
  };
  arm();
  return {
    stop() {
      stopped = true;
      clearTimer(timer);
    },
  };
}
