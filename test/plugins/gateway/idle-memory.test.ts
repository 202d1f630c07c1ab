import { getHeapSpaceStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryReducingCollection, NEW_SPACE_WORTH_BYTES, watchIdleMemory, type IdleMemoryProbe } from '../../../plugins/gateway/idle-memory.ts';
import { startGateway } from './helpers.ts';

const MB = 1024 * 1024;
const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')!.physical_space_size;

/** Objects that live through scavenges make V8 grow its young generation; they are dropped on return. */
function growNewSpace(): void {
  for (let round = 0; round < 20 && newSpace() < 2 * NEW_SPACE_WORTH_BYTES; round++) {
    const kept: unknown[] = [];
    for (let i = 0; i < 200_000; i++) kept.push({ i, text: `survivor ${i}` });
    kept.length = 0;
  }
}

/** A probe whose answers the test sets: the share of each window the loop was busy, the new space held. */
function scriptedProbe(busy: number[], held: () => number): IdleMemoryProbe {
  return { utilization: () => busy.shift() ?? 0, newSpaceBytes: held };
}

const log = { debug: vi.fn() };

afterEach(() => {
  vi.useRealTimers();
  log.debug.mockReset();
});

describe('memoryReducingCollection', () => {
  it('gives the young generation back, without leaving a gc function to this program or to later contexts', () => {
    const hadGc = typeof (globalThis as { gc?: unknown }).gc;
    growNewSpace();
    const before = newSpace();
    expect(before).toBeGreaterThanOrEqual(NEW_SPACE_WORTH_BYTES);
    const collect = memoryReducingCollection();
    expect(collect).toBeTypeOf('function');
    collect!();
    expect(newSpace()).toBeLessThan(Math.min(before / 4, 2 * MB));
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe(hadGc);
    expect(runInNewContext('typeof gc')).toBe('undefined');
  });
});

describe('watchIdleMemory', () => {
  it('collects after the quiet time, and again only once load has grown the young generation back', () => {
    vi.useFakeTimers();
    let held = 16 * MB;
    const collect = vi.fn(() => { held = 1 * MB; });
    // Start-up is busy for a window, then quiet.
    const busy = [0.4, 0.001, 0.002, 0.001];
    const stop = watchIdleMemory({ quietMs: 3_000, log, collect, probe: scriptedProbe(busy, () => held) });
    vi.advanceTimersByTime(3_000);
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(collect).toHaveBeenCalledTimes(1);
    expect(log.debug).toHaveBeenCalledWith(expect.objectContaining({ newSpaceBefore: 16 * MB, newSpaceAfter: 1 * MB }), expect.stringContaining('young generation'));

    // Still idle, nothing grew: the next check finds nothing worth collecting.
    vi.advanceTimersByTime(6_000);
    expect(collect).toHaveBeenCalledTimes(1);

    // Load grows it back (two busy windows); two quiet seconds are not enough, the third is.
    held = 16 * MB;
    busy.push(0.9, 0.5, 0.001, 0.001);
    vi.advanceTimersByTime(4_000);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1_000);
    expect(collect).toHaveBeenCalledTimes(2);
    stop();
  });

  it('leaves a small young generation alone, and a busy window starts the quiet time over', () => {
    vi.useFakeTimers();
    let held = 2 * MB;
    const collect = vi.fn();
    const busy = [0, 0, 0, 0.05, 0, 0];
    const stop = watchIdleMemory({ quietMs: 3_000, log, collect, probe: scriptedProbe(busy, () => held) });
    vi.advanceTimersByTime(3_000);
    expect(collect).not.toHaveBeenCalled();
    held = 12 * MB;
    // The window at 4 s was busy: 5 s and 6 s are two quiet seconds of the three needed.
    vi.advanceTimersByTime(3_000);
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(collect).toHaveBeenCalledTimes(1);
    stop();
    vi.advanceTimersByTime(60_000);
    expect(collect).toHaveBeenCalledTimes(1);
  });
});

describe('the gateway gives the young generation back when idle', () => {
  it('once quiet for idleMemoryTrimMs, and never with 0', async () => {
    const off = await startGateway({ options: { idleMemoryTrimMs: 0 } });
    growNewSpace();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(newSpace()).toBeGreaterThanOrEqual(NEW_SPACE_WORTH_BYTES);
    await off.kernel.close();

    const gateway = await startGateway({ options: { idleMemoryTrimMs: 300 } });
    growNewSpace();
    const deadline = Date.now() + 5_000;
    while (newSpace() >= NEW_SPACE_WORTH_BYTES && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(newSpace()).toBeLessThan(NEW_SPACE_WORTH_BYTES);
    const trimmed = gateway.kernel.logs.find((line) => String(line['msg']).includes('gave the young generation back'));
    expect(trimmed).toMatchObject({ plugin: 'gateway' });
  });

  it('refuses an idleMemoryTrimMs that is not a whole number of milliseconds, naming the option', async () => {
    await expect(startGateway({ options: { idleMemoryTrimMs: -1 } })).rejects.toThrow(/idleMemoryTrimMs/);
  });
});
