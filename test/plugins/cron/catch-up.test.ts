/** Downtime (catchUp once vs skip), overlapping runs, and a clock that jumps. */
import { describe, expect, it, vi } from 'vitest';
import { sharedStateDir, startCron, useFakeClock, waitUntil, type TestChannel } from './harness.ts';

const HOUR = 3_600_000;
const T0 = '2026-01-05T10:00:00.000Z';
const t0 = new Date(T0).getTime();

describe('cron after downtime', () => {
  for (const [policy, runs] of [['once', 3], ['skip', 2]] as const) {
    it(`catchUp "${policy}": ${policy === 'once' ? 'one run at start for all missed slots' : 'missed slots are skipped'}, then the rhythm resumes`, async () => {
      useFakeClock(T0);
      const stateDir = sharedStateDir();
      const job = { id: 'hourly', every: '1h', message: 'tick', catchUp: policy };
      const first = await startCron({ stateDir, cron: { jobs: [job] } });
      await first.advance(HOUR);
      await first.advance(HOUR);
      expect(first.fake.requests).toHaveLength(2);
      await first.kernel.close();

      // Down for 5 h 30 min: slots at +3h … +7h are missed.
      vi.setSystemTime(t0 + 7.5 * HOUR);
      const second = await startCron({ stateDir, fake: first.fake, cron: { jobs: [job] } });
      expect(first.fake.requests).toHaveLength(runs);
      const state = second.cron.get('hourly')!.state;
      expect(state).toMatchObject({ missed: 5, lastSlot: t0 + 7 * HOUR, nextRunAt: t0 + 8 * HOUR, runCount: runs });
      await second.advance(0.5 * HOUR);
      expect(first.fake.requests).toHaveLength(runs + 1);
      expect(second.cron.get('hourly')!.state.lastSlot).toBe(t0 + 8 * HOUR);
    });
  }

  it('an at job missed while down runs at start with "once", and is done without running with "skip"', async () => {
    useFakeClock(T0);
    const stateDir = sharedStateDir();
    const first = await startCron({ stateDir });
    await first.cron.add({ id: 'once', at: '2026-01-05T12:00:00Z', message: 'one', catchUp: 'once' });
    await first.cron.add({ id: 'skip', at: '2026-01-05T12:00:00Z', message: 'two', catchUp: 'skip' });
    await first.kernel.close();
    vi.setSystemTime(t0 + 5 * HOUR);
    const second = await startCron({ stateDir, fake: first.fake });
    expect(second.prompts()).toEqual(['one']);
    expect(second.cron.get('once')!.state).toMatchObject({ done: true, runCount: 1, missed: 1 });
    expect(second.cron.get('skip')!.state).toMatchObject({ done: true, runCount: 0, missed: 1 });
    expect(second.cron.get('skip')!.state.nextRunAt).toBeUndefined();
  });

  it('a job added while down never runs for slots before it existed', async () => {
    useFakeClock(T0);
    const h = await startCron({ cron: { jobs: [{ id: 'daily', cron: '0 6 * * *', message: 'daily' }] } });
    expect(h.fake.requests).toHaveLength(0);
    expect(h.cron.get('daily')!.state).toMatchObject({ missed: 0, nextRunAt: new Date('2026-01-06T06:00:00Z').getTime() });
  });
});

describe('cron runs never stack', () => {
  it('a slow run skips the slots that pass while it runs, and counts them', async () => {
    useFakeClock(T0);
    let release!: () => void;
    const channel: TestChannel = { sent: [], gate: new Promise<void>((resolve) => { release = resolve; }) };
    const h = await startCron({ channel, cron: { jobs: [{ id: 'minute', every: '1m', message: 'tick', deliver: { channel: 'test', chatType: 'dm', chatId: 'me' } }] } });
    await vi.advanceTimersByTimeAsync(60_000);
    await waitUntil(() => channel.attempts === 1);
    // Three more slots pass while the delivery hangs: no second run starts.
    for (let i = 0; i < 3; i++) await vi.advanceTimersByTimeAsync(60_000);
    expect(h.fake.requests).toHaveLength(1);
    release();
    h.channel.gate = undefined;
    await h.cron.settled();
    expect(h.cron.get('minute')!.state).toMatchObject({ runCount: 1, skipped: 3, lastSlot: t0 + 4 * 60_000, nextRunAt: t0 + 5 * 60_000 });
    expect(h.cron.totals.skipped).toBe(3);
    await h.advance(60_000);
    expect(h.fake.requests).toHaveLength(2);
  });
});

describe('cron and the clock', () => {
  it('sleeps at most maxTimerMs, so a far job is re-planned, not missed or run early', async () => {
    useFakeClock(T0);
    const h = await startCron({ options: { maxTimerMs: 60_000 }, cron: { jobs: [{ id: 'far', at: '2026-03-01T00:00:00Z', message: 'far away' }] } });
    // Further away than setTimeout's 2^31-1 ms (≈24.8 days).
    expect(new Date('2026-03-01T00:00:00Z').getTime() - t0).toBeGreaterThan(2 ** 31 - 1);
    expect(vi.getTimerCount()).toBe(1);
    await h.advance(10 * 60_000);
    expect(h.fake.requests).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(1);
  });

  it('a clock jump forward runs a due job once at the next wake-up and counts the jumped slots', async () => {
    useFakeClock(T0);
    const h = await startCron({ options: { maxTimerMs: 60_000 }, cron: { jobs: [{ id: 'hourly', every: '1h', message: 'tick' }] } });
    // The wall clock jumps 3 h (NTP, suspend); the timer still fires on its own schedule.
    vi.setSystemTime(t0 + 3 * HOUR + 1000);
    await h.advance(60_000);
    expect(h.fake.requests).toHaveLength(1);
    expect(h.cron.get('hourly')!.state).toMatchObject({ runCount: 1, skipped: 2, lastSlot: t0 + 3 * HOUR, nextRunAt: t0 + 4 * HOUR });
    // Late by the jump plus the rest of the sleep.
    expect(h.cron.totals).toMatchObject({ runs: 1, skipped: 2, lastLatenessMs: 61_000, maxLatenessMs: 61_000 });
  });

  it('a clock set back makes the timer wake early: nothing runs before its slot', async () => {
    useFakeClock(T0);
    const h = await startCron({ options: { maxTimerMs: 60_000 }, cron: { jobs: [{ id: 'hourly', every: '1h', message: 'tick' }] } });
    await h.advance(59 * 60_000);
    vi.setSystemTime(Date.now() - 10 * 60_000);
    await h.advance(60_000);
    expect(h.fake.requests).toHaveLength(0);
    await h.advance(10 * 60_000);
    expect(h.fake.requests).toHaveLength(1);
  });
});

describe('cron with no jobs', () => {
  it('arms no timer and writes no file', async () => {
    useFakeClock(T0);
    const stateDir = sharedStateDir();
    await startCron({ stateDir });
    expect(vi.getTimerCount()).toBe(0);
    const { existsSync } = await import('node:fs');
    expect(existsSync(`${stateDir}/cron`)).toBe(false);
  });
});

describe('cron doctor check', () => {
  it('reports jobs whose next run is past by more than the margin (live scheduler and state file)', async () => {
    useFakeClock(T0);
    const stateDir = sharedStateDir();
    const h = await startCron({ stateDir, options: { stuckMarginMs: 60_000 }, cron: { jobs: [{ id: 'hourly', every: '1h', message: 'tick' }] } });
    const report = async (kernel: typeof h.kernel) => {
      const checks: { id: string; severity: string; description: string }[] = [];
      await kernel.hooks.diagnose.promise({ add: (check) => checks.push(check) });
      return checks.filter((c) => c.id === 'cron.scheduler');
    };
    expect(await report(h.kernel)).toEqual([expect.objectContaining({ severity: 'ok', description: '1 job(s), none overdue (live scheduler)' })]);
    await h.kernel.close();
    // The gateway is gone; two hours later `moltbot doctor` reads the state file it left.
    vi.setSystemTime(t0 + 2 * HOUR);
    const { createTestKernel } = await import('../../../app/testing.ts');
    const offline = await createTestKernel({ config: { plugins: [['cron', { stuckMarginMs: 60_000 }]] }, env: { MOLTBOT_STATE_DIR: stateDir }, start: false });
    await offline.load();
    const [check] = await report(offline);
    expect(check).toMatchObject({ severity: 'warning' });
    expect(check!.description).toContain('hourly (due 2026-01-05T11:00:00.000Z)');
  });
});

describe('cron state file', () => {
  it('a damaged file is moved aside and the gateway starts with the config jobs', async () => {
    const { mkdirSync, writeFileSync, readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const stateDir = sharedStateDir();
    mkdirSync(join(stateDir, 'cron'));
    writeFileSync(join(stateDir, 'cron', 'jobs.json'), '{"version": 1, "jobs": [tor');
    const h = await startCron({ stateDir, cron: { jobs: [{ id: 'declared', every: '1h', message: 'x' }] } });
    expect(h.cron.list().map((j) => j.id)).toEqual(['declared']);
    expect(readdirSync(join(stateDir, 'cron')).sort()).toEqual([expect.stringMatching(/^jobs\.json$/), expect.stringMatching(/^jobs\.json\.damaged-\d+$/)]);
    expect(h.kernel.logs.some((l) => l.level === 50 && String(l.msg).includes('state file is damaged'))).toBe(true);
  });
});

describe('cron security audit', () => {
  it('flags replies POSTed over plain http to another host', async () => {
    const h = await startCron({ cron: { jobs: [
      { id: 'local', every: '1h', message: 'x', deliver: { webhook: 'http://127.0.0.1:9000/hook' } },
      { id: 'tls', every: '1h', message: 'x', deliver: { webhook: 'https://hooks.example.test/x' } },
      { id: 'plain', every: '1h', message: 'x', deliver: { webhook: 'http://hooks.example.test/x' } },
    ] } });
    const findings: { id: string; severity: string; description: string }[] = [];
    await h.kernel.hooks.audit.promise({ add: (f) => findings.push(f) });
    expect(findings.filter((f) => f.id === 'cron.webhook_cleartext')).toEqual([expect.objectContaining({ severity: 'warning', description: expect.stringContaining('Job(s) plain POST') })]);
  });
});
