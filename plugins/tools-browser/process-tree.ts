/**
 * The Chromium processes of one browser instance, read from /proc: the browser process (our
 * child whose command line names the instance's profile folder), its descendants (zygotes,
 * renderers, GPU and utility processes), and the memory of its renderers.
 * Chromium rewrites its process titles, so command lines are matched as joined text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

interface ProcInfo {
  pid: number;
  ppid: number;
  /** Process group: Playwright starts Chromium detached, so its group is the browser's pid. */
  pgid: number;
  /** `Z`: a zombie (dead, waiting to be reaped). */
  state: string;
  cmdline: string;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return { pid, ppid: Number(ppid), pgid: Number(pgid), state: state!, cmdline };
  } catch {
    return undefined;
  }
}

function allProcs(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProc(Number(name));
    if (info !== undefined) out.push(info);
  }
  return out;
}

/** The browser process launched for `profileDir` (a direct child of this process). */
export function findBrowserPid(profileDir: string): number | undefined {
  const flag = `--user-data-dir=${profileDir}`;
  return allProcs().find((proc) => proc.ppid === process.pid && (proc.cmdline.includes(`${flag} `) || proc.cmdline.endsWith(flag)))?.pid;
}

/** Alive and not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** `root` and every process below it. */
export function processTree(root: number): ProcInfo[] {
  const procs = allProcs();
  const children = new Map<number, ProcInfo[]>();
  for (const proc of procs) children.set(proc.ppid, [...(children.get(proc.ppid) ?? []), proc]);
  const self = procs.find((proc) => proc.pid === root);
  if (self === undefined) return [];
  const out: ProcInfo[] = [];
  const queue = [self];
  while (queue.length > 0) {
    const next = queue.shift()!;
    out.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return out;
}

/**
 * Summed proportional set size (MB) of the instance's renderer processes: each page's own
 * memory plus its share of Chromium's shared code, so shared libraries are not counted once per
 * process as resident size would (measured here: a small page's renderers ≈ 130 MB PSS vs
 * ≈ 340 MB summed RSS). VmRSS when smaps_rollup is unavailable.
 */
export function rendererMemoryMb(root: number): number {
  let kb = 0;
  for (const proc of processTree(root)) {
    if (!proc.cmdline.includes('--type=renderer')) continue;
    try {
      const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${proc.pid}/smaps_rollup`, 'utf8'));
      if (match) kb += Number(match[1]);
    } catch {
      try {
        const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'));
        if (match) kb += Number(match[1]);
      } catch {
        // exited meanwhile
      }
    }
  }
  return kb / 1024;
}

const KILL_POLL_MS = 20;

/** The live (not zombie) processes of an instance: `root`'s tree and any process naming the profile. */
function instanceProcesses(root: number | undefined, profileDir: string): ProcInfo[] {
  const flag = `--user-data-dir=${profileDir}`;
  const tree = new Set(root === undefined ? [] : processTree(root).map((proc) => proc.pid));
  return allProcs().filter((proc) => proc.state !== 'Z'
    && (tree.has(proc.pid) || proc.cmdline.includes(`${flag} `) || proc.cmdline.endsWith(flag)));
}

/**
 * SIGKILL for `root`, its descendants, its process group, and any process still naming the
 * profile folder (the children Chromium left when its browser process was killed are
 * re-parented, not below `root`), repeated until none of them is alive: a SIGKILLed process
 * takes a while to exit, and a zygote may fork between the scan and the kill. Resolves with the
 * pids still alive after `deadlineMs` (none, unless a process is stuck in the kernel).
 */
export async function killInstance(root: number | undefined, profileDir: string, deadlineMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const left = instanceProcesses(root, profileDir);
    if (left.length === 0) return [];
    if (Date.now() >= deadline) return left.map((proc) => proc.pid);
    // The whole group at once (atomic against a fork racing the scan), when it is still this instance's.
    if (root !== undefined && left.some((proc) => proc.pgid === root)) signal(-root);
    for (const proc of left) signal(proc.pid);
    await sleep(KILL_POLL_MS);
  }
}

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
