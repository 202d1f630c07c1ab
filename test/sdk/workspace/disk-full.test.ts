/**
 * The write tool on a full disk (real tmpfs): the write fails with MOLT_ERR_STORE_NO_SPACE
 * naming the workspace file (not the internal fd path), the old content stays whole and no temp
 * file is left; after space is freed the same write lands.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeWorkspaceFile } from '../../../sdk/workspace/file-ops.ts';
import { mountTmpfs, type Tmpfs } from '../../helpers/tmpfs.ts';

const mounted = mountTmpfs(1024 * 1024);
const tmpfs = 'unavailable' in mounted ? undefined : mounted;
if (tmpfs === undefined) console.warn(`tools-fs tmpfs test skipped: ${(mounted as { unavailable: string }).unavailable}`);
afterAll(() => tmpfs?.unmount());

describe('tools-fs write on a full disk', () => {
  it.skipIf(tmpfs === undefined)('fails with MOLT_ERR_STORE_NO_SPACE, keeps the old file whole and leaves no temp file', async () => {
    const fs = tmpfs as Tmpfs;
    writeFileSync(join(fs.dir, 'notes.md'), 'old notes\n');
    fs.fillTo(16 * 1024);
    const content = 'n'.repeat(128 * 1024);
    const error = await writeWorkspaceFile(fs.dir, 'notes.md', content, 1024 * 1024).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MOLT_ERR_STORE_NO_SPACE', message: expect.stringContaining('notes.md') });
    expect((error as Error).message).not.toContain('/proc/');
    expect(readFileSync(join(fs.dir, 'notes.md'), 'utf8')).toBe('old notes\n');
    expect(readdirSync(fs.dir).sort()).toEqual(['filler.bin', 'notes.md']);
    fs.release();
    await writeWorkspaceFile(fs.dir, 'notes.md', content, 1024 * 1024);
    expect(readFileSync(join(fs.dir, 'notes.md'), 'utf8')).toBe(content);
  });
});
