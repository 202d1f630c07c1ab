/** What `moltbot doctor` reports about the machine, the process and the state dir's storage. */
import { statfsSync, existsSync } from 'node:fs';
import { arch, cpus, freemem, loadavg, networkInterfaces, platform, release, totalmem, uptime } from 'node:os';
import { dirname } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { KERNEL_VERSION } from '../../sdk/core/index.ts';

export interface SystemInfo {
  system: { platform: string; arch: string; release: string; uptimeSeconds: number; cpus: number; cpuModel: string; loadAverage: number[]; memory: { totalBytes: number; freeBytes: number } };
  versions: { node: string; moltbot: string };
  process: { pid: number; uptimeSeconds: number; rssBytes: number; heapUsedBytes: number; heapLimitBytes: number };
  /** Addresses per interface (MAC addresses left out: they identify the machine and help nobody here). */
  network: Record<string, { address: string; family: string; internal: boolean }[]>;
  /** df's columns: free = available to unprivileged users, used = blocks − free blocks; the root reserve is neither. */
  storage: { path: string; totalBytes: number; freeBytes: number; usedBytes: number };
}

export function storageOf(path: string): SystemInfo['storage'] {
  let target = path;
  while (!existsSync(target) && dirname(target) !== target) target = dirname(target);
  const stats = statfsSync(target);
  return { path, totalBytes: stats.blocks * stats.bsize, freeBytes: stats.bavail * stats.bsize, usedBytes: (stats.blocks - stats.bfree) * stats.bsize };
}

export function systemInfo(stateDir: string): SystemInfo {
  const cores = cpus();
  const heap = getHeapStatistics();
  const memory = process.memoryUsage();
  const network: SystemInfo['network'] = {};
  for (const [name, addresses] of Object.entries(networkInterfaces())) {
    network[name] = (addresses ?? []).map((entry) => ({ address: entry.address, family: entry.family, internal: entry.internal }));
  }
  return {
    system: { platform: platform(), arch: arch(), release: release(), uptimeSeconds: Math.round(uptime()), cpus: cores.length, cpuModel: cores[0]?.model ?? 'unknown', loadAverage: loadavg(), memory: { totalBytes: totalmem(), freeBytes: freemem() } },
    versions: { node: process.versions.node, moltbot: KERNEL_VERSION },
    process: { pid: process.pid, uptimeSeconds: Math.round(process.uptime()), rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapLimitBytes: heap.heap_size_limit },
    network,
    storage: storageOf(stateDir),
  };
}
