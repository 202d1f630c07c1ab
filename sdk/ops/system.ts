/**
 * Host and process figures, each a delta between two readings (never a constant): CPU from
 * `os.cpus()` tick counters (host) and `process.cpuUsage()` (this process), memory from the
 * kernel's counters, disk from `statfs` of the state dir (df's definition), network from
 * /proc/net/dev (Linux only: elsewhere it is `null`, "not measured", never a made-up 0).
 */
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface SystemFigures {
  /** Busy share of every core of the host since the previous reading (0..1). */
  cpuUsage: number;
  /** Host CPU time of every core since boot (ms): busy and total. A reader computes the busy share over any span it wants (alerts: between two checks). */
  cpuTicks: { busy: number; total: number };
  /** This process's CPU time over wall time since the previous reading, in cores (1 = one full core). */
  processCpu: number;
  /** Used share of host memory (0..1), from the kernel's available-memory figure. */
  memoryUsage: number;
  /** Used share of the filesystem holding the state dir (0..1), as df's Use%: used ÷ (used + available). */
  diskUsage: number;
  /** df's columns: used = blocks − free blocks, free = blocks available to unprivileged users, total = size (root reserve included). */
  disk: { usedBytes: number; freeBytes: number; totalBytes: number };
  memory: { rssBytes: number; heapUsedBytes: number; freeBytes: number; totalBytes: number };
  /** Bytes per second received (in) and sent (out) on every interface since the previous reading; null where not measured (no /proc/net/dev: macOS, Windows). */
  networkIO: { in: number; out: number } | null;
  /** Byte counters on every interface since boot; null where not measured. */
  networkTotals: { in: number; out: number } | null;
  /** Event-loop delay p99 in ms since the previous reading: how late the loop ran, the histogram's sampling interval taken off. */
  eventLoopDelay: number;
}

interface Reading {
  at: bigint;
  hostBusy: number;
  hostTotal: number;
  process: NodeJS.CpuUsage;
  net: { in: number; out: number } | null;
}

const PROC_NET_DEV = '/proc/net/dev';

/** Received and sent bytes summed over every interface (loopback included: local clients count); null without the file. */
export function readNetworkCounters(file = PROC_NET_DEV): { in: number; out: number } | null {
  if (!existsSync(file)) return null;
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
  // df's columns. The root reserve (bfree − bavail, 5 % on ext4 by default) is neither used nor
  // available: counting it as used read 70 % where df said 26 % on a large disk.
  return { usedBytes: (stats.blocks - stats.bfree) * stats.bsize, freeBytes: stats.bavail * stats.bsize, totalBytes: stats.blocks * stats.bsize };
}

/** df's Use%: used ÷ (used + available), so a full disk for unprivileged users reads 100 %. */
export function diskShare(disk: SystemFigures['disk']): number {
  const usable = disk.usedBytes + disk.freeBytes;
  return usable > 0 ? disk.usedBytes / usable : 0;
}

/** The part of `monitorEventLoopDelay`'s histogram read here (nanoseconds). */
export interface DelayHistogram {
  readonly count: number;
  percentile(percentile: number): number;
}

/**
 * p99 event-loop delay in ms. The monitor's timer records the whole span between two of its
 * ticks, so an idle loop records about `resolutionMs` itself: that interval is taken off, what
 * remains is how late the loop was.
 */
export function eventLoopDelayMs(histogram: DelayHistogram, resolutionMs: number): number {
  if (histogram.count === 0) return 0;
  return Math.max(0, histogram.percentile(99) / 1e6 - resolutionMs);
}

/** Sampling interval of the event-loop monitor (ms). */
export const LOOP_RESOLUTION_MS = 100;

export class SystemSampler {
  readonly #path: string;
  readonly #loop: ReturnType<typeof monitorEventLoopDelay>;
  #last: Reading;

  constructor(stateDir: string) {
    this.#path = stateDir;
    // 100 ms resolution: 10 wake-ups a second cost ~0.1 % of a core idle (bench/ops.ts); 20 ms cost ~0.4 %.
    this.#loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.#loop.enable();
    this.#last = this.#read();
  }

  #read(): Reading {
    const host = hostTicks();
    return { at: process.hrtime.bigint(), hostBusy: host.busy, hostTotal: host.total, process: process.cpuUsage(), net: readNetworkCounters() };
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
    const loopP99 = eventLoopDelayMs(this.#loop, LOOP_RESOLUTION_MS);
    this.#loop.reset();
    return {
      cpuUsage: tickSpan > 0 ? clamp01((now.hostBusy - last.hostBusy) / tickSpan) : 0,
      cpuTicks: { busy: now.hostBusy, total: now.hostTotal },
      processCpu: processMicros / 1e6 / seconds,
      memoryUsage: clamp01(1 - free / total),
      diskUsage: diskShare(disk),
      disk,
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, freeBytes: free, totalBytes: total },
      networkIO: now.net && last.net ? { in: Math.max(0, now.net.in - last.net.in) / seconds, out: Math.max(0, now.net.out - last.net.out) / seconds } : null,
      networkTotals: now.net,
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
