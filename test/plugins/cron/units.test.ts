/** Job validation (every entry point shares it) and slot arithmetic. */
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import { compileJob, type JobInput } from '../../../plugins/cron/job.ts';
import { dueSlots, nextSlot, parseAt, parseCron, parseDuration } from '../../../plugins/cron/schedule.ts';

const base = { id: 'j', message: 'hi' };

describe('cron job validation', () => {
  it.each<[string, Partial<JobInput>, string]>([
    ['no schedule', {}, 'cron.jobs[0] needs exactly one of at, every, cron (got none)'],
    ['two schedules', { every: '1h', cron: '* * * * *' }, 'cron.jobs[0] needs exactly one of at, every, cron (got every, cron)'],
    ['bad tz', { every: '1h', tz: 'Europe/Atlantis' }, 'cron.jobs[0].tz "Europe/Atlantis" is not an IANA timezone'],
    ['bad cron', { cron: '61 * * * *' }, 'cron.jobs[0].cron "61 * * * *" is not a cron expression'],
    ['short every', { every: '5s' }, 'cron.jobs[0].every "5s" is not an interval of at least 10s'],
    ['bad at', { at: 'tomorrow' }, 'cron.jobs[0].at "tomorrow" is not an ISO time'],
    ['bad session', { every: '1h', session: 'main' }, 'cron.jobs[0].session "main" is not a session key'],
    ['bad id', { id: 'Bad Id', every: '1h' }, 'cron.jobs[0].id must be lowercase'],
    ['empty message', { message: ' ', every: '1h' }, 'cron.jobs[0].message must be the non-empty text'],
    ['ftp webhook', { every: '1h', deliver: { webhook: 'ftp://x/y' } }, 'cron.jobs[0].deliver.webhook must be an http(s) URL'],
    ['webhook with credentials', { every: '1h', deliver: { webhook: 'https://user:pw@example.test/' } }, 'must not carry credentials'],
    ['half a channel target', { every: '1h', deliver: { channel: 'telegram' } as never }, 'cron.jobs[0].deliver must be "none", {channel, chatType'],
  ])('%s', (_name, patch, message) => {
    expect(() => compileJob({ ...base, ...patch } as JobInput, 'config', 'cron.jobs[0]')).toThrow(message);
  });

  it('a bad config job stops the boot with its path', async () => {
    const error = await createTestKernel({ config: { cron: { jobs: [{ id: 'ok', every: '1h', message: 'a' }, { id: 'bad', every: '1h', tz: 'Nowhere/Land', message: 'b' }] }, plugins: ['cron'] } }).catch((e: unknown) => e);
    expect(String((error as Error).message) + String((error as Error).cause ?? '')).toContain('cron.jobs[1].tz "Nowhere/Land" is not an IANA timezone');
  });

  it('defaults: UTC, the main session, no delivery, enabled, catch up once', () => {
    expect(compileJob({ ...base, every: '1h' }, 'runtime', 'job')).toMatchObject({ tz: 'UTC', session: 'agent:main:main', deliver: 'none', enabled: true, catchUp: 'once' });
  });
});

describe('cron slots', () => {
  it('parses durations and ISO times (offset or tz)', () => {
    expect([parseDuration('90s'), parseDuration('30m'), parseDuration('2h'), parseDuration('1d'), parseDuration('1w')]).toEqual([90_000, 1_800_000, 7_200_000, 86_400_000, undefined]);
    expect(parseAt('2026-07-01T09:00:00', 'Europe/Berlin')).toBe(Date.parse('2026-07-01T07:00:00Z'));
    expect(parseAt('2026-07-01T09:00:00+02:00', 'UTC')).toBe(Date.parse('2026-07-01T07:00:00Z'));
  });

  it('every: slots stay on the anchor grid; dueSlots counts the missed ones', () => {
    const every = { kind: 'every' as const, everyMs: 10 };
    expect(nextSlot(every, 100, 100)).toBe(110);
    expect(nextSlot(every, 100, 115)).toBe(120);
    expect(dueSlots(every, 100, 110, 155)).toEqual({ count: 4, latest: 150, next: 160 });
    expect(dueSlots(every, 100, 150, 155)).toEqual({ count: 0, next: 160 });
  });

  it('cron: a spring-forward gap runs at the first valid instant, once', () => {
    // 02:30 does not exist in Berlin on 2026-03-29 (02:00 → 03:00 CEST).
    const cron = { kind: 'cron' as const, cron: parseCron('30 2 * * *', 'Europe/Berlin') };
    const after = Date.parse('2026-03-28T12:00:00Z');
    const due = dueSlots(cron, after, after, Date.parse('2026-03-30T12:00:00Z'));
    expect(due.count).toBe(2);
    expect(new Date(nextSlot(cron, after, after)!).toISOString()).toBe('2026-03-29T01:00:00.000Z');
    expect(new Date(due.latest!).toISOString()).toBe('2026-03-30T00:30:00.000Z');
  });

  it('cron: a long downtime is counted without walking forever', () => {
    const cron = { kind: 'cron' as const, cron: parseCron('* * * * *', 'UTC') };
    const from = Date.parse('2025-01-01T00:00:00Z');
    const due = dueSlots(cron, from, from, Date.parse('2026-01-01T00:00:00Z'));
    expect(due.count).toBe(201);
    expect(new Date(due.latest!).toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(new Date(due.next!).toISOString()).toBe('2026-01-01T00:01:00.000Z');
  });
});
