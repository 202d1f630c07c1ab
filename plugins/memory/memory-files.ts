/**
 * Which workspace files are memory: `MEMORY.md` and `memory/<name>.md` (daily notes are
 * `memory/YYYY-MM-DD.md`). Every tool argument naming a file goes through `memoryPath`, and
 * every read through the tools-fs path guard (no symlink or hard link leading out).
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MoltbotError } from '../../sdk/core/index.ts';
import { memoryErrors } from './error-codes.ts';

export const MEMORY_FILE = /^(?:MEMORY\.md|memory\/[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.md)$/;

/** A model- or user-given memory file name, checked; returns it normalized. */
export function memoryPath(input: unknown, param = 'file'): string {
  const value = typeof input === 'string' ? input.replace(/^\.\//, '') : input;
  if (typeof value !== 'string' || !MEMORY_FILE.test(value) || value.includes('..')) {
    throw new MoltbotError(memoryErrors.MOLT_ERR_MEMORY_PATH, {
      message: `${param} ${JSON.stringify(typeof input === 'string' ? input.slice(0, 120) : input ?? null)} is not a memory file (MEMORY.md or memory/<name>.md)`,
      plugin: 'memory',
    });
  }
  return value;
}

/** `memory/YYYY-MM-DD.md` for the local date of `now`. */
export function dailyFile(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `memory/${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.md`;
}

export interface MemoryFileStat {
  file: string;
  mtimeMs: number;
  size: number;
}

/** The memory files present (regular files only; symlinks are not memory). */
export async function listMemoryFiles(workspace: string): Promise<MemoryFileStat[]> {
  const out: MemoryFileStat[] = [];
  const add = async (file: string) => {
    const stat = await lstat(join(workspace, file)).catch(() => undefined);
    if (stat?.isFile() && MEMORY_FILE.test(file)) out.push({ file, mtimeMs: stat.mtimeMs, size: stat.size });
  };
  await add('MEMORY.md');
  const names = await readdir(join(workspace, 'memory')).catch(() => [] as string[]);
  for (const name of names.sort()) await add(`memory/${name}`);
  return out;
}
