import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, writeJsonAtomic } from '../../core/atomic-file.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

describe('writeFileAtomic', () => {
  it('replaces the file whole, mode 0600 by default, and leaves no temp file', async () => {
    const { dir, write } = useTempDir();
    const file = write('state.json', 'old');
    await writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });

  it('keeps the old file when the write fails midway', async () => {
    const { dir, write } = useTempDir();
    const file = write('state.json', 'old');
    // A value writeFile cannot serialise fails after the temp file was opened.
    await expect(writeFileAtomic(file, 42 as unknown as string)).rejects.toThrow();
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
