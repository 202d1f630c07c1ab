/**
 * The generated gateway token: with no secret configured, the gateway is still never open.
 * On first start 32 random bytes (base64url) go to `<stateDir>/credentials/gateway-token`,
 * written atomically (temp file + rename) with mode 0600 in a 0700 directory; later starts
 * reuse it. Only the file's path is ever logged.
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/index.ts';

export const TOKEN_BYTES = 32;

export function tokenFilePath(stateDir: string): string {
  return join(stateDir, 'credentials', 'gateway-token');
}

export interface TokenFileResult {
  path: string;
  token: string;
  created: boolean;
}

/** Reads the token file, creating it first when it does not exist (or is empty). */
export async function ensureTokenFile(stateDir: string): Promise<TokenFileResult> {
  const path = tokenFilePath(stateDir);
  const existing = await readTokenFile(path);
  if (existing !== undefined) return { path, token: existing, created: false };
  const dir = join(stateDir, 'credentials');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing directory's mode alone.
  await chmod(dir, 0o700);
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  await writeFileAtomic(path, `${token}\n`);
  return { path, token, created: true };
}

export async function readTokenFile(path: string): Promise<string | undefined> {
  try {
    const token = (await readFile(path, 'utf8')).trim();
    return token === '' ? undefined : token;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** mtime+size+inode, to re-read the file only when it changed (a sync stat: microseconds, no request object). */
export function tokenFileStamp(path: string): string {
  const info = statSync(path, { throwIfNoEntry: false });
  return info === undefined ? 'absent' : `${info.mtimeMs}:${info.size}:${info.ino}`;
}
