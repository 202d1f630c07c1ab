import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveName, createdFromName, ensurePrivateDir } from '../../../plugins/backup/archive-dir.ts';
import { pruneBackups } from '../../../plugins/backup/retention.ts';
import { parseSchedule, startSchedule } from '../../../plugins/backup/schedule.ts';
import type { Alert } from '../../../core/hook-types.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-23T12:00:00.000Z');

async function backupsAged(daysAgo: number[]): Promise<string> {
  const { dir } = useTempDir('moltbot-prune-');
  await ensurePrivateDir(dir);
  for (const days of daysAgo) writeFileSync(join(dir, archiveName(new Date(NOW - days * DAY))), 'x', { mode: 0o600 });
  writeFileSync(join(dir, 'notes.txt'), 'not a backup');
  return dir;
}

describe('archive names', () => {
  it('encode the UTC creation time to the millisecond and parse back', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    expect(archiveName(at)).toBe('moltbot-backup-20260102T030405678Z.tar.gz');
    expect(createdFromName(archiveName(at))).toEqual(at);
    expect(createdFromName('moltbot-backup-2026.tar.gz')).toBeUndefined();
  });
});

describe('prune (fake clock)', () => {
  it('deletes archives older than retention.days (default 30) and nothing else', async () => {
    const dir = await backupsAged([0, 29, 31, 90]);
    const result = await pruneBackups(dir, { days: 30 }, { now: NOW });
    expect(result.deleted.map((a) => Math.round((NOW - a.created.getTime()) / DAY))).toEqual([31, 90]);
    expect(readdirSync(dir).sort()).toEqual([archiveName(new Date(NOW)), archiveName(new Date(NOW - 29 * DAY)), 'notes.txt'].sort());
  });

  it('always keeps the newest retention.count, whatever their age', async () => {
    const dir = await backupsAged([40, 50, 60, 70]);
    const result = await pruneBackups(dir, { days: 30, count: 2 }, { now: NOW });
    expect(result.kept.map((a) => Math.round((NOW - a.created.getTime()) / DAY))).toEqual([40, 50]);
    expect(result.deleted).toHaveLength(2);
  });

  it('--dry-run lists without deleting', async () => {
    const dir = await backupsAged([1, 45]);
    const result = await pruneBackups(dir, { days: 30 }, { now: NOW, dryRun: true });
    expect(result.deleted).toHaveLength(1);
    expect(readdirSync(dir)).toHaveLength(3);
  });
});

describe('backup.schedule', () => {
  it('parses named and numeric intervals', () => {
    expect([parseSchedule('off'), parseSchedule('hourly'), parseSchedule('daily'), parseSchedule('weekly'), parseSchedule('24h'), parseSchedule('30m')])
      .toEqual([undefined, 3_600_000, DAY, 7 * DAY, DAY, 1_800_000]);
    expect(() => parseSchedule('0 3 * * *')).toThrowErrorMatchingInlineSnapshot(`[TypeError: unsupported schedule "0 3 * * *"]`);
  });

  it('runs every interval, fires a critical alert on failure and resolves it after the next success', async () => {
    const timers: { fn: () => void; ms: number }[] = [];
    const alerts: Alert[] = [];
    const outcomes = ['ok', 'fail', 'fail', 'ok'];
    let runs = 0;
    const scheduler = startSchedule({
      intervalMs: DAY,
      run: async () => {
        if (outcomes[runs++] === 'fail') throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
      },
      alert: async (alert) => void alerts.push(alert),
      setTimer: (fn, ms) => { timers.push({ fn, ms }); return {}; },
      clearTimer: () => undefined,
      now: () => NOW,
    });
    for (let i = 0; i < 4; i++) {
      timers.at(-1)!.fn();
      await new Promise((r) => setImmediate(r));
    }
    scheduler.stop();
    expect(runs).toBe(4);
    expect(timers.every((t) => t.ms === DAY)).toBe(true);
    expect(alerts.map((a) => [a.state, a.message])).toEqual([
      ['firing', 'scheduled backup failed: disk full'],
      ['firing', 'scheduled backup failed: disk full'],
      ['resolved', 'scheduled backup succeeded again'],
    ]);
    expect(alerts[0]).toMatchObject({ id: 'backup.failed', severity: 'critical', source: 'backup', at: NOW, data: { code: 'ENOSPC' } });
  });
});
