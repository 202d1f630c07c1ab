import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, openSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { createHistogram } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { diskShare, eventLoopDelayMs, LOOP_RESOLUTION_MS, readDisk, readNetworkCounters, SystemSampler } from '../../../sdk/ops/system.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

function burn(ms: number): void {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
}

describe('SystemSampler', () => {
  it('cpu figures rise under a CPU burner and agree with process.cpuUsage()', async () => {
    const { dir } = useTempDir();
    const sampler = new SystemSampler(dir);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const idle = sampler.sample();
    const before = process.cpuUsage();
    const started = performance.now();
    burn(300);
    const busy = sampler.sample();
    const spent = process.cpuUsage(before);
    const independent = (spent.user + spent.system) / 1000 / (performance.now() - started);
    sampler.close();
    // Other processes share the cores: compare with the independent reading, not with 1.0.
    expect(busy.processCpu).toBeGreaterThan(idle.processCpu + 0.2);
    expect(Math.abs(busy.processCpu - independent)).toBeLessThan(0.15);
    expect(busy.cpuUsage).toBeGreaterThan(0);
    expect(busy.cpuUsage).toBeLessThanOrEqual(1);
  });

  it('disk usage rises by what a written file takes (statfs of the state dir)', () => {
    const { dir } = useTempDir();
    const before = readDisk(join(dir, 'state', 'not-created-yet'));
    const fd = openSync(join(dir, 'big.bin'), 'w');
    const chunk = Buffer.alloc(1 << 20, 7);
    for (let i = 0; i < 48; i++) writeSync(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    const after = readDisk(dir);
    const raw = statfsSync(dir);
    expect(after.totalBytes).toBe(raw.blocks * raw.bsize);
    expect(after.usedBytes - before.usedBytes).toBeGreaterThan(32 * (1 << 20));
    rmSync(join(dir, 'big.bin'));
  });

  it('memory usage matches the OS figure', () => {
    const { dir } = useTempDir();
    const sampler = new SystemSampler(dir);
    const figures = sampler.sample();
    sampler.close();
    expect(figures.memoryUsage).toBeGreaterThan(0);
    expect(figures.memoryUsage).toBeLessThan(1);
    expect(figures.memory.rssBytes).toBeGreaterThan(10 * (1 << 20));
    expect(Math.abs(figures.memoryUsage - (1 - figures.memory.freeBytes / figures.memory.totalBytes))).toBeLessThan(1e-9);
  });

  it.runIf(process.platform === 'linux')('network counters grow by the bytes sent over loopback', async () => {
    const server = createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const before = readNetworkCounters();
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const payload = Buffer.alloc(2 << 20, 1);
    await new Promise<void>((resolve) => socket.end(payload, resolve));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = readNetworkCounters();
    server.close();
    expect(after!.in - before!.in).toBeGreaterThanOrEqual(payload.length);
    expect(after!.out - before!.out).toBeGreaterThanOrEqual(payload.length);
  });
});

describe('readNetworkCounters', () => {
  it('sums received and sent bytes over every interface of a /proc/net/dev file', () => {
    const { dir } = useTempDir();
    const file = join(dir, 'dev');
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo: 1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0',
      '  eth0: 2500      20    0    0    0     0          0         0      700       5    0    0    0     0       0          0',
    ].join('\n');
    writeFileSync(file, text);
    expect(readNetworkCounters(file)).toEqual({ in: 3500, out: 1700 });
  });

  it('is null, not 0, where there is no /proc/net/dev (macOS, Windows): "not measured"', () => {
    const { dir } = useTempDir();
    expect(readNetworkCounters(join(dir, 'absent'))).toBeNull();
  });
});

describe('disk figures are df\'s', () => {
  it('Use% equals `df --output=pcent` of the same path (root reserve neither used nor available)', () => {
    const { dir } = useTempDir();
    const disk = readDisk(dir);
    const df = execFileSync('df', ['--output=pcent,used,avail', '-B1', dir], { encoding: 'utf8' }).trim().split('\n')[1]!.trim().split(/\s+/);
    // df rounds Use% up to the next whole percent.
    expect(`${Math.ceil(diskShare(disk) * 100)}%`).toBe(df[0]);
    // df's Used and Avail columns, to a few MiB of other writers between the two readings.
    expect(Math.abs(disk.usedBytes - Number(df[1]))).toBeLessThan(64 * (1 << 20));
    expect(Math.abs(disk.freeBytes - Number(df[2]))).toBeLessThan(64 * (1 << 20));
  });

  it('a reserve held back for root does not count as used', () => {
    // 100 blocks, 60 free of which 40 available to users: df says 40 used, 40 available → 50 %.
    expect(diskShare({ usedBytes: 40, freeBytes: 40, totalBytes: 100 })).toBe(0.5);
    expect(diskShare({ usedBytes: 0, freeBytes: 0, totalBytes: 0 })).toBe(0);
  });
});

describe('event-loop delay', () => {
  it('takes the monitor\'s own sampling interval off: an on-time loop reads 0, a late one reads how late', () => {
    const histogram = createHistogram();
    // Every tick of a 100 ms monitor on an idle loop arrives after ~100 ms.
    for (let i = 0; i < 100; i++) histogram.record(100_000_000 + 300_000);
    expect(eventLoopDelayMs(histogram, 100)).toBeCloseTo(0.3, 1);
    // One tick 250 ms late among 10: p99 is that tick.
    const late = createHistogram();
    for (let i = 0; i < 9; i++) late.record(100_000_000);
    late.record(350_000_000);
    expect(eventLoopDelayMs(late, 100)).toBeCloseTo(250, 0);
    // Never negative (a tick may fire a hair early), 0 before any tick.
    const early = createHistogram();
    early.record(99_000_000);
    expect(eventLoopDelayMs(early, 100)).toBe(0);
    expect(eventLoopDelayMs(createHistogram(), 100)).toBe(0);
  });

  it('an idle sampler reads well under the monitor interval (it read ~100 ms when the interval was not taken off)', async () => {
    const { dir } = useTempDir();
    const sampler = new SystemSampler(dir);
    await new Promise((resolve) => setTimeout(resolve, 650));
    const figures = sampler.sample();
    sampler.close();
    expect(figures.eventLoopDelay).toBeGreaterThanOrEqual(0);
    expect(figures.eventLoopDelay).toBeLessThan(LOOP_RESOLUTION_MS);
  });
});

