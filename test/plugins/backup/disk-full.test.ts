/**
 * Restoring a backup onto a full disk (real tmpfs): the restore fails with
 * MOLT_ERR_STORE_NO_SPACE (not "archive invalid": the archive is fine), leaves neither a target
 * nor a staging folder, and succeeds whole once space is freed.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../../plugins/backup/create.ts';
import { restoreBackup } from '../../../plugins/backup/restore.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { mountTmpfs, type Tmpfs } from '../../helpers/tmpfs.ts';
import { digestTree, writeTree } from './fixtures.ts';

const mounted = mountTmpfs(1024 * 1024);
const tmpfs = 'unavailable' in mounted ? undefined : mounted;
if (tmpfs === undefined) console.warn(`backup tmpfs test skipped: ${(mounted as { unavailable: string }).unavailable}`);
afterAll(() => tmpfs?.unmount());

describe('backup restore on a full disk', () => {
  it.skipIf(tmpfs === undefined)('fails with MOLT_ERR_STORE_NO_SPACE, leaves nothing behind, and restores whole after space is freed', async () => {
    const fs = tmpfs as Tmpfs;
    const { dir } = useTempDir();
    // Random bytes: gzip cannot shrink them, so the restore needs their full size on disk.
    writeTree(join(dir, 'src'), { 'notes.md': '# notes\n', 'big.bin': randomBytes(300 * 1024) });
    const backup = await createBackup({ dir: join(dir, 'backups'), sources: [{ name: 'workspace', path: join(dir, 'src'), plugin: 'backup' }], version: '1.0.0' });
    fs.fillTo(64 * 1024);
    const target = join(fs.dir, 'restored');
    await expect(restoreBackup({ archive: backup.path, target, protectedPaths: [] })).rejects.toMatchObject({ code: 'MOLT_ERR_STORE_NO_SPACE' });
    expect(readdirSync(fs.dir).sort()).toEqual(['filler.bin']);
    fs.release();
    await restoreBackup({ archive: backup.path, target, protectedPaths: [] });
    expect(digestTree(join(target, 'workspace'))).toEqual(digestTree(join(dir, 'src')));
  });
});
