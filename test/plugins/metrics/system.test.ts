import { closeSync, fsyncSync, openSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDisk, readNetworkCounters, SystemSampler } from '../../../plugins/metrics/system.ts';
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
    expect(after.in - before.in).toBeGreaterThanOrEqual(payload.length);
    expect(after.out - before.out).toBeGreaterThanOrEqual(payload.length);
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
    expect(readNetworkCounters(join(dir, 'absent'))).toEqual({ in: 0, out: 0 });
  });
});

