/**
 * Schedules and their slots. A slot is the instant a run is due (ms since the epoch); a job
 * runs at most once per slot. `at` has one slot; `every` has the slots anchor + k·period
 * (k ≥ 1, the anchor being when the job was first seen), so a restart keeps the rhythm;
 * `cron` slots come from croner in the job's timezone (DST handled there).
 */
import { Cron } from 'croner';

export type Schedule =
  | { kind: 'at'; at: number }
  | { kind: 'every'; everyMs: number }
  | { kind: 'cron'; cron: Cron };

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const DURATION = '^[1-9][0-9]*(s|m|h|d)$';

/** `90s`, `30m`, `2h`, `1d` → ms; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = new RegExp(DURATION).exec(text);
  return match === null ? undefined : Number(text.slice(0, -1)) * UNIT_MS[match[1]!]!;
}

const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/** The instant of an ISO time; without an offset it is read in `tz`. */
export function parseAt(text: string, tz: string): number | undefined {
  if (!ISO.test(text)) return undefined;
  if (HAS_OFFSET.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : ms;
  }
  try {
    return new Cron(text, { timezone: tz, paused: true }).nextRun(new Date(-8.64e15))?.getTime();
  } catch {
    return undefined;
  }
}

/** A croner job that never schedules anything itself (no callback): used for its arithmetic only. */
export function parseCron(expression: string, tz: string): Cron {
  return new Cron(expression, { timezone: tz, paused: true });
}

/** First slot strictly after `after`; undefined when there is none (a past `at`). */
export function nextSlot(schedule: Schedule, anchor: number, after: number): number | undefined {
  switch (schedule.kind) {
    case 'at':
      return schedule.at > after ? schedule.at : undefined;
    case 'every': {
      const k = Math.max(1, Math.floor((after - anchor) / schedule.everyMs) + 1);
      return anchor + k * schedule.everyMs;
    }
    case 'cron':
      return schedule.cron.nextRun(new Date(after))?.getTime();
  }
}

/** Longest walk through cron slots when counting missed ones (croner: ≈0.8 ms per step here). */
const MAX_WALK = 200;

/**
 * The slots in (after, now]: how many, the latest, and the first one after `now`.
 * Past MAX_WALK cron slots, `count` is a lower bound (MAX_WALK + 1).
 */
export function dueSlots(schedule: Schedule, anchor: number, after: number, now: number): { count: number; latest?: number; next?: number } {
  if (schedule.kind === 'every') {
    const first = nextSlot(schedule, anchor, after)!;
    if (first > now) return { count: 0, next: first };
    const last = anchor + Math.floor((now - anchor) / schedule.everyMs) * schedule.everyMs;
    return { count: (last - first) / schedule.everyMs + 1, latest: last, next: last + schedule.everyMs };
  }
  let count = 0;
  let latest: number | undefined;
  let cursor = after;
  for (;;) {
    const slot = nextSlot(schedule, anchor, cursor);
    if (slot === undefined || slot > now) return { count, ...(latest !== undefined ? { latest } : {}), ...(slot !== undefined ? { next: slot } : {}) };
    count++;
    latest = slot;
    cursor = slot;
    if (count === MAX_WALK && schedule.kind === 'cron') {
      // Jump to the latest slot (croner walks back from now): `count` is then a lower bound.
      const last = schedule.cron.previousRuns(1, new Date(now + 1))[0]?.getTime();
      if (last !== undefined && last > slot) {
        latest = last;
        cursor = last;
        count++;
      }
    }
  }
}
