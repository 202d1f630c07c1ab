/**
 * Host and process figures, each a delta between two readings (never a constant): CPU from
 * `os.cpus()` tick counters (host) and `process.cpuUsage()` (this process), memory from the
 * kernel's counters, disk from `statfs` of the state dir, network from /proc/net/dev.
 */
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface SystemFigures {
  /** Busy share of every core of the host since the previous reading (0..1). */
  cpuUsage: number;
  /** This process's CPU time over wall time since the previous reading, in cores (1 = one full core). */
  processCpu: number;
  /** Used share of host memory (0..1), from the kernel's available-memory figure. */
  memoryUsage: number;
  /** Used share of the filesystem holding the state dir (0..1). */
  diskUsage: number;
  disk: { usedBytes: number; freeBytes: number; totalBytes: number };
  memory: { rssBytes: number; heapUsedBytes: number; freeBytes: number; totalBytes: number };
  /** Bytes per second received (in) and sent (out) on every interface since the previous reading. */
  networkIO: { in: number; out: number };
  /** Byte counters on every interface since boot (0 where /proc/net/dev is absent). */
  networkTotals: { in: number; out: number };
  /** Event-loop delay p99 in ms since the previous reading. */
  eventLoopDelay: number;
}

interface Reading {
  at: bigint;
  hostBusy: number;
  hostTotal: number;
  process: NodeJS.CpuUsage;
  netIn: number;
  netOut: number;
}

const PROC_NET_DEV = '/proc/net/dev';

/** Received and sent bytes summed over every interface (loopback included: local clients count). */
export function readNetworkCounters(file = PROC_NET_DEV): { in: number; out: number } {
  if (!existsSync(file)) return { in: 0, out: 0 };
  let rx = 0;
  let tx = 0;
  for (const line of readFileSync(file, 'utf8').split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const fields = line.slice(colon + 1).trim().split(/\s+/);
    rx += Number(fields[0]) || 0;
    tx += Number(fields[8]) || 0;
  }
  return { in: rx, out: tx };
}

/** CPU ticks of the whole host so far; the share used between two readings is their delta. */
export function hostTicks(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, idle, irq } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + idle + irq;
  }
  return { busy, total };
}

/** statfs of the nearest existing folder: the state dir may not be created yet. */
export function readDisk(path: string): SystemFigures['disk'] {
  let target = path;
  while (!existsSync(target) && dirname(target) !== target) target = dirname(target);
  const stats = statfsSync(target);
  const totalBytes = stats.blocks * stats.bsize;
  const freeBytes = stats.bavail * stats.bsize;
  // Used = total minus what every user could still write; the root reserve counts as used.
  return { usedBytes: totalBytes - freeBytes, freeBytes, totalBytes };
}

export class SystemSampler {
  readonly #path: string;
  readonly #loop: ReturnType<typeof monitorEventLoopDelay>;
  #last: Reading;

  constructor(stateDir: string) {
    this.#path = stateDir;
    // 100 ms resolution: 10 wake-ups a second cost ~0.1 % of a core idle (bench/ops.ts); 20 ms cost ~0.4 %.
    this.#loop = monitorEventLoopDelay({ resolution: 100 });
    this.#loop.enable();
    this.#last = this.#read();
  }

  #read(): Reading {
    const host = hostTicks();
    const net = readNetworkCounters();
    return { at: process.hrtime.bigint(), hostBusy: host.busy, hostTotal: host.total, process: process.cpuUsage(), netIn: net.in, netOut: net.out };
  }

  /** Figures over the span since the previous call (or since construction). */
  sample(): SystemFigures {
    const now = this.#read();
    const last = this.#last;
    this.#last = now;
    const seconds = Math.max(Number(now.at - last.at) / 1e9, 1e-3);
    const tickSpan = now.hostTotal - last.hostTotal;
    const processMicros = now.process.user - last.process.user + now.process.system - last.process.system;
    const disk = readDisk(this.#path);
    const free = freemem();
    const total = totalmem();
    const memory = process.memoryUsage();
    const loopP99 = this.#loop.count > 0 ? this.#loop.percentile(99) / 1e6 : 0;
    this.#loop.reset();
    return {
      cpuUsage: tickSpan > 0 ? clamp01((now.hostBusy - last.hostBusy) / tickSpan) : 0,
      processCpu: processMicros / 1e6 / seconds,
      memoryUsage: clamp01(1 - free / total),
      diskUsage: disk.totalBytes > 0 ? disk.usedBytes / disk.totalBytes : 0,
      disk,
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, freeBytes: free, totalBytes: total },
      networkIO: { in: Math.max(0, now.netIn - last.netIn) / seconds, out: Math.max(0, now.netOut - last.netOut) / seconds },
      networkTotals: { in: now.netIn, out: now.netOut },
      eventLoopDelay: loopP99,
    };
  }

  close(): void {
    this.#loop.disable();
  }
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}
