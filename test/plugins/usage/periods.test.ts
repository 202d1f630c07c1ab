/**
 * Budget periods are calendar days and months in the configured zone: the day changes at the
 * zone's midnight (not UTC's), DST days included, and a start-up replay counts only records of
 * the current periods.
 */
import { describe, expect, it } from 'vitest';
import { PeriodClock } from '../../../plugins/usage/periods.ts';
import { BudgetGuard } from '../../../plugins/usage/budget-guard.ts';
import { resolveBudgets } from '../../../plugins/usage/budget-settings.ts';
import { MemoryCounters } from '../../../plugins/usage/budget-counters.ts';
import type { UsageRecord } from '../../../sdk/usage/index.ts';
import type { Logger } from '../../../sdk/core/index.ts';

const at = (iso: string) => Date.parse(iso);

describe('budget periods', () => {
  it('a day ends at midnight in the zone, not in UTC', () => {
    const paris = new PeriodClock('Europe/Paris'); // UTC+1 in December
    expect(paris.name('day', at('2026-12-07T22:59:59.999Z'))).toBe('2026-12-07');
    expect(paris.name('day', at('2026-12-07T23:00:00.000Z'))).toBe('2026-12-08');
    const utc = new PeriodClock('UTC');
    expect(utc.name('day', at('2026-12-07T23:00:00.000Z'))).toBe('2026-12-07');
    const newYork = new PeriodClock('America/New_York'); // UTC-5 in December
    expect(newYork.name('day', at('2026-12-08T04:59:59Z'))).toBe('2026-12-07');
    expect(newYork.name('day', at('2026-12-08T05:00:00Z'))).toBe('2026-12-08');
  });

  it('follows daylight saving time and names months in the zone', () => {
    const paris = new PeriodClock('Europe/Paris'); // UTC+2 from 2026-03-29 02:00 local
    expect(paris.name('day', at('2026-03-29T21:59:59Z'))).toBe('2026-03-29');
    expect(paris.name('day', at('2026-03-29T22:00:00Z'))).toBe('2026-03-30');
    expect(paris.name('month', at('2026-11-30T22:59:59Z'))).toBe('2026-11');
    expect(paris.name('month', at('2026-11-30T23:00:00Z'))).toBe('2026-12');
    const tokyo = new PeriodClock('Asia/Tokyo'); // UTC+9
    expect(tokyo.name('month', at('2026-12-31T15:00:00Z'))).toBe('2027-01');
    expect(tokyo.name('total', at('2026-12-31T15:00:00Z'))).toBe('total');
  });

  it('a daily counter starts again at the zone\'s midnight; a start-up replay keeps the current periods only', () => {
    const log = { warn: () => undefined } as unknown as Logger;
    const budgets = resolveBudgets([
      { name: 'day', scope: 'global', period: 'day', usd: 1, mode: 'hard' },
      { name: 'month', scope: 'global', period: 'month', usd: 10, mode: 'hard' },
    ]);
    const guard = new BudgetGuard({ budgets, clock: new PeriodClock('Europe/Paris'), counters: new MemoryCounters(), priceOf: () => undefined, alert: () => undefined, log });
    const before = guard.applied('main', 's', at('2026-12-07T22:59:00Z')).map((a) => a.key.id);
    const after = guard.applied('main', 's', at('2026-12-07T23:01:00Z')).map((a) => a.key.id);
    expect(before).toEqual(['global|day|2026-12-07|*', 'global|month|2026-12|*']);
    expect(after).toEqual(['global|day|2026-12-08|*', 'global|month|2026-12|*']);

    const record = (iso: string): UsageRecord => ({ at: at(iso), runId: 'r', agentId: 'main', sessionKey: 's', model: 'm', input: 1, output: 1, cached: 0, costUsd: 0.1 });
    const now = at('2026-12-08T08:00:00Z');
    // 22:30 UTC on the 7th is 23:30 in Paris: yesterday there; 23:30 UTC is 00:30 on the 8th: today.
    expect(guard.replayed(record('2026-12-07T22:30:00Z'), now).map((a) => a.budget.name)).toEqual(['month']);
    expect(guard.replayed(record('2026-12-07T23:30:00Z'), now).map((a) => a.budget.name)).toEqual(['day', 'month']);
    expect(guard.replayed(record('2026-11-30T22:00:00Z'), now)).toEqual([]);
  });
});
