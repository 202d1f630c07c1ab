/**
 * Tool progress: the shared throttle (at most one update per interval, the newest of a busy
 * window sent when it closes, the held one sent at finish, nothing after).
 */
import { describe, expect, it, vi } from 'vitest';
import { createProgressReporter, type ToolProgress } from '../../../sdk/agent/index.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function collect(intervalMs: number) {
  const sent: (ToolProgress & { at: number })[] = [];
  const reporter = createProgressReporter((update) => sent.push({ ...update, at: performance.now() }), intervalMs);
  return { sent, reporter };
}

describe('tool progress throttle', () => {
  it('sends the first update at once, holds the newest of a busy window and sends it when the window closes', () => {
    // Fake clock: the throttle's windows are exact, whatever the load on the machine.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const { sent, reporter } = collect(60);
      reporter.report({ progress: 1, total: 4 });
      reporter.report({ progress: 2, total: 4 });
      reporter.report({ progress: 3, total: 4, message: 'almost' });
      expect(sent.map((u) => u.progress)).toEqual([1]);
      vi.advanceTimersByTime(59);
      expect(sent).toHaveLength(1);
      vi.advanceTimersByTime(1);
      expect(sent[1]).toMatchObject({ progress: 3, total: 4, message: 'almost' });
      expect(sent[1]!.at - sent[0]!.at).toBe(60);
      vi.advanceTimersByTime(70);
      reporter.report({ progress: 4, total: 4 });
      expect(sent.map((u) => u.progress)).toEqual([1, 3, 4]);
      reporter.finish();
      expect(sent).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('finish() sends the held update at once (the last one always arrives) and drops every later one', async () => {
    const { sent, reporter } = collect(10_000);
    reporter.report({ progress: 1 });
    reporter.report({ progress: 2 });
    reporter.report({ progress: 3, message: 'last' });
    reporter.finish();
    expect(sent.map((u) => [u.progress, u.message])).toEqual([[1, undefined], [3, 'last']]);
    reporter.report({ progress: 4 });
    reporter.finish();
    await sleep(30);
    expect(sent).toHaveLength(2);
  });

  it('a held update is not sent once finish() ran; a malformed update throws naming the field; long messages are cut', async () => {
    const { sent, reporter } = collect(20);
    reporter.report({ progress: 1, message: 'x'.repeat(2000) });
    expect(sent[0]!.message).toHaveLength(500);
    expect(() => reporter.report({ progress: Number.NaN })).toThrow(/progress must be a finite number/);
    expect(() => reporter.report({ progress: 1, total: '3' as never })).toThrow(/total must be a finite number/);
    expect(() => reporter.report({ progress: 1, message: 5 as never })).toThrow(/message must be a string/);
    reporter.finish();
    await sleep(40);
    expect(sent).toHaveLength(1);
  });
});
