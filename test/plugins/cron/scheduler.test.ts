/** The scheduler in a real kernel with the fake provider and a fake clock. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { sharedStateDir, startCron, useFakeClock, waitUntil, type TestChannel } from './harness.ts';

const HOUR = 3_600_000;
const T0 = '2026-01-05T10:00:00.000Z';
const at = (iso: string) => new Date(iso).getTime();

describe('cron scheduler', () => {
  it('an every job fires exactly once per period over several periods', async () => {
    useFakeClock(T0);
    const h = await startCron({ cron: { jobs: [{ id: 'hourly', every: '1h', message: 'hourly check' }] } });
    expect(h.cron.get('hourly')?.state.nextRunAt).toBe(at(T0) + HOUR);
    await h.advance(HOUR - 1);
    expect(h.fake.requests).toHaveLength(0);
    for (let period = 1; period <= 4; period++) {
      await h.advance(1);
      expect(h.fake.requests).toHaveLength(period);
      await h.advance(HOUR - 1);
      expect(h.fake.requests).toHaveLength(period);
    }
    const state = h.cron.get('hourly')!.state;
    expect(state).toMatchObject({ runCount: 4, lastStatus: 'ok', failures: 0, skipped: 0, lastSlot: at(T0) + 4 * HOUR, nextRunAt: at(T0) + 5 * HOUR });
    expect(h.prompts()).toEqual(Array(4).fill('hourly check'));
  });

  it('a cron expression in America/New_York fires at 09:00 local on both sides of the DST change', async () => {
    useFakeClock('2026-03-07T12:00:00.000Z');
    const h = await startCron({ cron: { jobs: [{ id: 'morning', cron: '0 9 * * *', tz: 'America/New_York', message: 'good morning' }] } });
    // 09:00 EST = 14:00Z on March 7; DST starts March 8: 09:00 EDT = 13:00Z.
    expect(h.cron.get('morning')?.state.nextRunAt).toBe(at('2026-03-07T14:00:00Z'));
    await h.advance(at('2026-03-07T14:00:00Z') - Date.now() - 1);
    expect(h.fake.requests).toHaveLength(0);
    await h.advance(1);
    expect(h.fake.requests).toHaveLength(1);
    expect(h.fake.requests[0]!.at).toBe(at('2026-03-07T14:00:00Z'));
    expect(h.cron.get('morning')?.state.nextRunAt).toBe(at('2026-03-08T13:00:00Z'));
    await h.advance(at('2026-03-08T13:00:00Z') - Date.now());
    expect(h.fake.requests).toHaveLength(2);
    expect(h.fake.requests[1]!.at).toBe(at('2026-03-08T13:00:00Z'));
  });

  it('an at job fires once, then is done', async () => {
    useFakeClock(T0);
    const h = await startCron();
    await h.cron.add({ id: 'once', at: '2026-01-05T12:30:00', tz: 'Europe/Berlin', message: 'one shot' });
    // 12:30 in Berlin (CET, UTC+1) is 11:30Z.
    expect(h.cron.get('once')?.state.nextRunAt).toBe(at('2026-01-05T11:30:00Z'));
    await h.advance(2 * HOUR);
    await h.advance(48 * HOUR);
    expect(h.fake.requests).toHaveLength(1);
    expect(h.cron.get('once')?.state).toMatchObject({ done: true, runCount: 1, lastStatus: 'ok' });
    expect(h.cron.get('once')?.state.nextRunAt).toBeUndefined();
  });

  it('a job disabled and enabled again owes nothing for the disabled time', async () => {
    useFakeClock(T0);
    const h = await startCron();
    await h.cron.add({ id: 'pausable', every: '1h', message: 'tick' });
    await h.cron.update('pausable', { enabled: false });
    expect(h.cron.get('pausable')!.state.nextRunAt).toBeUndefined();
    await h.advance(5 * HOUR + 60_000);
    expect(h.fake.requests).toHaveLength(0);
    await h.cron.update('pausable', { enabled: true });
    expect(h.fake.requests).toHaveLength(0);
    expect(h.cron.get('pausable')!.state.nextRunAt).toBe(at(T0) + 6 * HOUR);
    await h.advance(HOUR);
    expect(h.fake.requests).toHaveLength(1);
  });

  it('a past at is refused with the field named', async () => {
    useFakeClock(T0);
    const h = await startCron();
    await expect(h.cron.add({ id: 'late', at: '2026-01-01T00:00:00Z', message: 'x' })).rejects.toThrow(/job\.at .* is in the past/);
  });

  it('survives a restart with the state dir reused, without firing a slot twice', async () => {
    useFakeClock(T0);
    const stateDir = sharedStateDir();
    const first = await startCron({ stateDir, cron: { jobs: [{ id: 'hourly', every: '1h', message: 'tick' }] } });
    await first.advance(HOUR);
    await first.advance(HOUR);
    expect(first.fake.requests).toHaveLength(2);
    await first.kernel.close();
    // The file holds the claimed slot, written atomically.
    const file = JSON.parse(readFileSync(join(stateDir, 'cron', 'jobs.json'), 'utf8'));
    expect(file.state.hourly).toMatchObject({ lastSlot: at(T0) + 2 * HOUR, runCount: 2 });

    // Restart within the same period: nothing is due, nothing runs again.
    await new Promise((resolve) => setImmediate(resolve));
    const second = await startCron({ stateDir, fake: first.fake, cron: { jobs: [{ id: 'hourly', every: '1h', message: 'tick' }] } });
    expect(first.fake.requests).toHaveLength(2);
    expect(second.cron.get('hourly')?.state).toMatchObject({ runCount: 2, missed: 0, nextRunAt: at(T0) + 3 * HOUR });
    await second.advance(HOUR);
    expect(first.fake.requests).toHaveLength(3);
  });

  it('a run cut short by a restart is not run again: it shows as interrupted', async () => {
    useFakeClock(T0);
    const stateDir = sharedStateDir();
    const channel: TestChannel = { sent: [], gate: new Promise<void>(() => undefined) };
    const first = await startCron({ stateDir, channel, cron: { jobs: [{ id: 'slow', every: '1h', message: 'slow', deliver: { channel: 'test', chatType: 'dm', chatId: 'owner' } }] } });
    await vi.advanceTimersByTimeAsync(HOUR);
    // The turn is done and the delivery hangs: a crash now leaves the claimed slot "running".
    await waitUntil(() => channel.attempts === 1);
    await first.kernel.close();
    const second = await startCron({ stateDir, fake: first.fake, cron: { jobs: [{ id: 'slow', every: '1h', message: 'slow' }] } });
    expect(second.cron.get('slow')?.state).toMatchObject({ lastStatus: 'interrupted', lastSlot: at(T0) + HOUR, nextRunAt: at(T0) + 2 * HOUR });
    expect(first.fake.requests).toHaveLength(1);
  });
});
