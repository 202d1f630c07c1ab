/**
 * The log file: one line per write, appended synchronously (a line written before a crash is on
 * disk), 0600 in a 0700 folder whatever the umask. Past `maxBytes` the file is renamed to
 * `moltbot-<UTC time>.log` and a new one started; rotated files older than `retentionDays` are
 * deleted at each rotation and at open.
 *
 * A line the disk takes only part of (full disk: a short write, then ENOSPC) is cut back off the
 * file and the write throws MOLT_ERR_STORE_NO_SPACE: the next line starts on a line boundary,
 * never glued to a torn one. A torn last line a crash left is cut when the file is opened.
 */
import { closeSync, fchmodSync, ftruncateSync, mkdirSync, chmodSync, openSync, readdirSync, renameSync, statSync, unlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { storageError } from '../../sdk/core/index.ts';
import { lineEndSync, writeAllSync, type WriteSync } from '../../sdk/core/index.ts';

export const CURRENT_NAME = 'moltbot.log';
const ROTATED = /^moltbot-(\d{8}T\d{9}Z)(?:-\d+)?\.log$/;

export interface RotatingFileOptions {
  dir: string;
  maxBytes: number;
  retentionDays: number;
  now?: () => number;
  /** The write(2) used (tests pass one that fails like a full disk). */
  writeSync?: WriteSync;
}

export interface RotatingFile {
  readonly path: string;
  write(line: string): void;
  /** Rotated files, oldest first. */
  rotated(): string[];
  /** Deletes rotated files past retention; returns their names. */
  prune(): string[];
  close(): void;
}

export function openRotatingFile(options: RotatingFileOptions): RotatingFile {
  const now = options.now ?? Date.now;
  const path = join(options.dir, CURRENT_NAME);
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  chmodSync(options.dir, 0o700);
  let fd = openLog(path);
  let size = cutTornTail(fd);
  /** A failed write could not be cut back: cut again before the next one. */
  let dirty = false;

  const rotated = () => readdirSync(options.dir).filter((name) => ROTATED.test(name)).sort();
  const prune = () => {
    const cutoff = now() - options.retentionDays * 86_400_000;
    const removed: string[] = [];
    for (const name of rotated()) {
      const file = join(options.dir, name);
      if (statSync(file).mtimeMs < cutoff) {
        unlinkSync(file);
        removed.push(name);
      }
    }
    return removed;
  };
  const rotate = () => {
    closeSync(fd);
    const stamp = new Date(now()).toISOString().replace(/[-:]/g, '').replace('.', '');
    let target = join(options.dir, `moltbot-${stamp}.log`);
    for (let n = 1; existsSync(target); n++) target = join(options.dir, `moltbot-${stamp}-${n}.log`);
    renameSync(path, target);
    fd = openLog(path);
    size = cutTornTail(fd);
    dirty = false;
    prune();
  };
  prune();
  return {
    path,
    write(line) {
      const data = Buffer.from(line.endsWith('\n') ? line : `${line}\n`);
      if (size > 0 && size + data.length > options.maxBytes) rotate();
      try {
        if (dirty) {
          ftruncateSync(fd, size);
          dirty = false;
        }
        writeAllSync(fd, data, path, options.writeSync);
      } catch (error) {
        try {
          ftruncateSync(fd, size);
        } catch {
          dirty = true;
        }
        throw storageError(error, path);
      }
      size += data.length;
    },
    rotated,
    prune,
    close() {
      closeSync(fd);
    },
  };
}

/** Cuts a torn last line (no newline: a crash mid-write) and returns the good length. */
function cutTornTail(fd: number): number {
  const { size, end } = lineEndSync(fd);
  if (end < size) ftruncateSync(fd, end);
  return end;
}

function openLog(path: string): number {
  const fd = openSync(path, 'a+', 0o600);
  // An existing file keeps its mode on open: narrow it.
  fchmodSync(fd, 0o600);
  return fd;
}
