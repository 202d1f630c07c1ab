/**
 * A real small filesystem for disk-full tests: `mount -t tmpfs -o size=<n>` on a fresh folder
 * (root only). `fillTo(free)` leaves about `free` bytes available with one filler file; `release()`
 * deletes it. Where mounting is not allowed `mountTmpfs` answers why, so the test can skip with
 * that reason printed instead of silently.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Bytes available to an unprivileged writer right now. */
  free(): number;
  /** Writes a filler file so that about `free` bytes stay available. */
  fillTo(free: number): void;
  /** Deletes the filler file. */
  release(): void;
  unmount(): void;
}

export function mountTmpfs(sizeBytes: number): Tmpfs | { unavailable: string } {
  if (process.platform !== 'linux') return { unavailable: `tmpfs mounts need Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { unavailable: 'mounting a tmpfs needs root (run the tests as root, as CI does)' };
  const dir = mkdtempSync(join(tmpdir(), 'moltbot-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { unavailable: `mount -t tmpfs failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}` };
  }
  const filler = join(dir, 'filler.bin');
  const free = () => {
    const stats = statfsSync(dir);
    return stats.bavail * stats.bsize;
  };
  return {
    dir,
    free,
    fillTo(target) {
      const size = free() - target;
      if (size > 0) writeFileSync(filler, Buffer.alloc(size, 0x61));
    },
    release() {
      unlinkSync(filler);
    },
    unmount() {
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
