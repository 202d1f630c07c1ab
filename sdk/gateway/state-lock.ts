/**
 * One gateway per state dir: `<stateDir>/gateway.lock` holds the owner's pid and host. Two
 * gateways on one state dir would both write sessions and credentials. A lock whose pid is
 * dead on this host is stale (a crash, kill -9) and is taken over. A container restarts its
 * gateway with the same pid (often 1), so a lock naming our own pid is ours only if this
 * process took it; otherwise it is a leftover.
 */
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { writeFileAtomic } from '../core/index.ts';
import { storageError } from '../core/index.ts';
import { writeAll } from '../core/index.ts';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'gateway.lock';

interface LockContent {
  pid: number;
  host: string;
  startedAt: string;
}

export interface StateLock {
  readonly path: string;
  release(): Promise<void>;
}

/** Lock files this process holds (a second kernel in the same process must not share one). */
const held = new Set<string>();

export async function acquireStateLock(stateDir: string): Promise<StateLock> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const path = join(stateDir, LOCK_FILE);
  const content: LockContent = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const text = `${JSON.stringify(content)}\n`;
  if (!(await createExclusive(path, text))) {
    const owner = await readOwner(path);
    if (owner !== undefined && isAlive(owner, path)) {
      throw new Error(
        `another gateway (pid ${owner.pid}${owner.host === content.host ? '' : ` on ${owner.host}`}, started ${owner.startedAt}) uses the state dir ${stateDir}; ` +
        `stop it first, or give this one its own state dir with MOLTBOT_STATE_DIR (lock: ${path})`,
      );
    }
    // Stale: replace it in one step, so no moment exists without a lock file.
    await writeFileAtomic(path, text);
  }
  held.add(path);
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      held.delete(path);
      const owner = await readOwner(path);
      if (owner?.pid === process.pid && owner.startedAt === content.startedAt) await unlink(path).catch(() => undefined);
    },
  };
}

async function createExclusive(path: string, text: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await writeAll(handle, Buffer.from(text), path);
    } catch (written) {
      // A lock cut short by a full disk is nobody's: remove it, say why (MOLT_ERR_STORE_NO_SPACE).
      await handle.close();
      await unlink(path).catch(() => undefined);
      throw storageError(written, path);
    }
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function readOwner(path: string): Promise<LockContent | undefined> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<LockContent>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
    return { pid: parsed.pid, host: parsed.host, startedAt: String(parsed.startedAt ?? 'unknown') };
  } catch {
    // Unreadable or half-written: treated as stale.
    return undefined;
  }
}

function isAlive(owner: LockContent, path: string): boolean {
  // Another host's pid cannot be checked from here: assume it runs.
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return held.has(path);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
