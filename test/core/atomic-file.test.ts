import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic-file.ts';
import { isMoltbotError } from '../../core/errors.ts';
import { faults, faultyOpen } from '../helpers/faulty-file.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const opener = faultyOpen(open);

afterEach(() => faults.clear());

describe('writeFileAtomic', () => {
  it('replaces the file whole, mode 0600 by default, and leaves no temp file', async () => {
    const { dir, write } = useTempDir();
    const file = write('state.json', 'old');
    await writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it.each(['short', 'enospc'] as const)('a %s write on a full disk keeps the old file whole, removes the temp file and fails with MOLT_ERR_STORE_NO_SPACE', async (fault) => {
    const { dir, write } = useTempDir();
    const file = write('state.json', 'old');
    faults.arm(/\.tmp$/, fault);
    const error = await writeFileAtomic(file, 'x'.repeat(10_000), { open: opener }).catch((e: unknown) => e);
    expect(faults.hits()).toBeGreaterThan(0);
    expect(isMoltbotError(error, 'MOLT_ERR_STORE_NO_SPACE')).toBe(true);
    expect((error as Error).message).toContain('state.json');
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('a write that reports 0 bytes fails with MOLT_ERR_STORE_WRITE and a failed fsync keeps its error; the old file stays', async () => {
    const { dir, write } = useTempDir();
    const file = write('state.json', 'old');
    faults.arm(/\.tmp$/, 'zero');
    expect(isMoltbotError(await writeFileAtomic(file, 'new', { open: opener }).catch((e: unknown) => e), 'MOLT_ERR_STORE_WRITE')).toBe(true);
    faults.clear();
    faults.arm(/\.tmp$/, 'sync-eio');
    await expect(writeFileAtomic(file, 'new', { open: opener })).rejects.toMatchObject({ code: 'EIO' });
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('refuses data that is neither a string nor bytes before touching the disk', async () => {
    const { dir, write } = useTempDir();
    const file = write('state.json', 'old');
    await expect(writeFileAtomic(file, 42 as unknown as string)).rejects.toThrow(/must be a string or bytes/);
    expect(readFileSync(file, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('creates missing parents with mkdir, JSON with writeJsonAtomic', async () => {
    const { dir } = useTempDir();
    const file = join(dir, 'a', 'b', 'x.json');
    await writeJsonAtomic(file, { ok: true }, { mkdir: true, mode: 0o640 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ ok: true });
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
  });
});
