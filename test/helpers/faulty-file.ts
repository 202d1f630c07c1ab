/**
 * File handles that fail the way a filling disk does, for the state-file writers' unit tests:
 * `short` writes part of the buffer for real and reports it without an error, then every later
 * write fails with ENOSPC (what write(2) does on a nearly full filesystem); `enospc` fails the
 * first write; `zero` reports 0 bytes written; `sync-eio` lets writes land and fails the fsync
 * — on a handle opened with O_DSYNC, where write(2) itself syncs, the write lands and fails EIO.
 *
 * It never imports node:fs/promises itself (tests that mock it pass the real functions), and
 * faults are armed per path so only the file under test misbehaves.
 */
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

export type Fault = 'short' | 'enospc' | 'zero' | 'sync-eio';

interface Armed { match: (path: string) => boolean; fault: Fault; hits: number }

const armedList: Armed[] = [];

export const faults = {
  /** Makes handles of matching paths fail (also those opened later) until `clear()`. */
  arm(match: string | RegExp | ((path: string) => boolean), fault: Fault): void {
    const test = typeof match === 'function' ? match : typeof match === 'string' ? (p: string) => p === match : (p: string) => match.test(p);
    armedList.push({ match: test, fault, hits: 0 });
  },
  clear(): void {
    armedList.length = 0;
  },
  /** How many writes or syncs the armed faults disturbed. */
  hits(): number {
    return armedList.reduce((sum, a) => sum + a.hits, 0);
  },
};

export function errno(code: 'ENOSPC' | 'EIO', syscall: string): NodeJS.ErrnoException {
  const text = code === 'ENOSPC' ? 'no space left on device' : 'i/o error';
  return Object.assign(new Error(`${code}: ${text}, ${syscall}`), { code, errno: code === 'ENOSPC' ? -28 : -5, syscall });
}

/** Wraps an `open` so handles of armed paths misbehave. */
export function faultyOpen<O extends (path: string, flags?: string | number, mode?: number) => Promise<FileHandle>>(open: O): O {
  return (async (path: string, flags?: string | number, mode?: number) => {
    const handle = await open(path, flags, mode);
    const found = armedList.find((a) => a.match(String(path)));
    const syncsOnWrite = typeof flags === 'number' && constants.O_DSYNC !== undefined && (flags & constants.O_DSYNC) !== 0;
    return found === undefined ? handle : wrap(handle, found, syncsOnWrite);
  }) as O;
}

function wrap(handle: FileHandle, armed: Armed, syncsOnWrite: boolean): FileHandle {
  let wrote = false;
  const active = () => armedList.includes(armed);
  const write = async (data: Uint8Array | string, offset?: number, length?: number, position?: number | null) => {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const start = typeof offset === 'number' ? offset : 0;
    const count = typeof length === 'number' ? length : bytes.length - start;
    // Cleared faults stop at once, also on handles opened while they were armed (space was freed).
    if (armed.fault === 'sync-eio' && syncsOnWrite && active()) {
      await handle.write(bytes, start, count, position);
      armed.hits++;
      throw errno('EIO', 'write');
    }
    if (armed.fault === 'sync-eio' || !active()) return handle.write(bytes, start, count, position);
    armed.hits++;
    if (armed.fault === 'zero') return { bytesWritten: 0, buffer: bytes };
    if (armed.fault === 'enospc' || wrote) throw errno('ENOSPC', 'write');
    wrote = true;
    const part = Math.max(1, Math.floor(count / 2));
    return handle.write(bytes, start, part, position);
  };
  const failSync = async () => {
    armed.hits++;
    throw errno('EIO', 'fsync');
  };
  return new Proxy(handle, {
    get(target, key) {
      if (key === 'write') return write;
      if ((key === 'sync' || key === 'datasync') && armed.fault === 'sync-eio' && active()) return failSync;
      if (key === 'writeFile') return async () => { throw new Error('faulty-file: writeFile is not looped by the writers; use write'); };
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The same for synchronous writers: a `writeSync` replacement for armed fds. */
export function faultyWriteSync(write: (fd: number, data: Uint8Array, offset?: number, length?: number) => number, fault: Exclude<Fault, 'sync-eio'>) {
  let wrote = false;
  let hits = 0;
  const faulty = (fd: number, data: Uint8Array, offset = 0, length = data.length - offset): number => {
    hits++;
    if (fault === 'zero') return 0;
    if (fault === 'enospc' || wrote) throw errno('ENOSPC', 'write');
    wrote = true;
    return write(fd, data, offset, Math.max(1, Math.floor(length / 2)));
  };
  return { write: faulty, hits: () => hits };
}
