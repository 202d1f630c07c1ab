/**
 * Budget periods: calendar days and months in one IANA time zone. A period is named by its
 * calendar date in that zone (`2026-12-07`, `2026-12`), so a record belongs to the current
 * period exactly when its name matches — no period boundaries to compute, DST included.
 */

export type BudgetPeriod = 'day' | 'month' | 'total';

const SLOT_MS = 15 * 60_000;

export class PeriodClock {
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat;
  // Every zone's offset today is a multiple of 15 minutes, so the date is the same for a whole
  // 15-minute slot of UTC: the last slot's answer serves a call's several questions and a
  // start-up replay of chronological records without formatting each one.
  #lastSlot = Number.NaN;
  #lastDay = '';

  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.#format = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  /** `YYYY-MM-DD` of the calendar day `at` falls on in the zone. */
  day(at: number): string {
    const slot = Math.floor(at / SLOT_MS);
    if (slot === this.#lastSlot) return this.#lastDay;
    const parts: Record<string, string> = {};
    for (const part of this.#format.formatToParts(at)) parts[part.type] = part.value;
    this.#lastSlot = slot;
    this.#lastDay = `${parts.year}-${parts.month}-${parts.day}`;
    return this.#lastDay;
  }

  /** The name of the period `at` falls in: its day, its month (`YYYY-MM`), or `total`. */
  name(period: BudgetPeriod, at: number): string {
    if (period === 'total') return 'total';
    const day = this.day(at);
    return period === 'day' ? day : day.slice(0, 7);
  }
}

/** How long a period's shared counter is kept after it began (a day or month plus slack); total: forever. */
export const PERIOD_TTL_SECONDS: Readonly<Record<BudgetPeriod, number | undefined>> = Object.freeze({
  day: 3 * 24 * 3600,
  month: 33 * 24 * 3600,
  total: undefined,
});
