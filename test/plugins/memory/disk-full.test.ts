/**
 * The memory index on a full disk (injected short write on its atomic write): a save that does
 * not land fails with MOLT_ERR_STORE_NO_SPACE, the previous index.json stays whole and no temp
 * file is left; the next save after space is freed writes the new index.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../../core/log.ts';
import { MemoryIndex } from '../../../plugins/memory/memory-index.ts';
import { faults } from '../../helpers/faulty-file.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

vi.mock('node:fs/promises', async (real) => (await import('../../helpers/faulty-fs-mock.ts')).mockFsPromises(await real()));

afterEach(() => faults.clear());

const quiet = { warn() {}, info() {}, debug() {}, error() {} } as unknown as Logger;

describe('memory index on a full disk', () => {
  it('a save that does not land is refused with MOLT_ERR_STORE_NO_SPACE and the old index stays whole', async () => {
    const { dir } = useTempDir();
    const workspace = join(dir, 'workspace');
    mkdirSync(workspace);
    writeFileSync(join(workspace, 'MEMORY.md'), '# Facts\n\nThe cat is called Tom.\n');
    const indexFile = join(dir, 'state', 'index.json');
    const index = new MemoryIndex({ workspace: () => workspace, indexFile, log: quiet, maxFileBytes: 100_000 });
    await index.rebuild();
    const saved = readFileSync(indexFile, 'utf8');
    writeFileSync(join(workspace, 'MEMORY.md'), '# Facts\n\nThe cat is called Tom.\nThe dog is called Rex.\n');
    faults.arm(/index\.json\..*\.tmp$/, 'short');
    await expect(index.rebuild()).rejects.toMatchObject({ code: 'MOLT_ERR_STORE_NO_SPACE', message: expect.stringContaining('index.json') });
    expect(faults.hits()).toBeGreaterThan(0);
    expect(readFileSync(indexFile, 'utf8')).toBe(saved);
    expect(readdirSync(join(dir, 'state'))).toEqual(['index.json']);
    faults.clear();
    await index.rebuild();
    expect(readFileSync(indexFile, 'utf8')).toContain('Rex');
  });
});
