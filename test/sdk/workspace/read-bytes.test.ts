/** readWorkspaceBytes: binary files intact, buffers sized by the file (not the cap), the cap and confinement kept. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWorkspaceBytes } from '../../../sdk/workspace/file-ops.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { PNG_1X1 } from '../../helpers/media-files.ts';

describe('readWorkspaceBytes', () => {
  it('returns the bytes of a binary file under a cap far larger than any buffer could be', async () => {
    const ws = useTempDir().dir;
    writeFileSync(join(ws, 'chart.png'), PNG_1X1);
    // A buffer of the cap's size would throw (RangeError) here: the read is sized by the file.
    const bytes = await readWorkspaceBytes(ws, 'chart.png', Number.MAX_SAFE_INTEGER);
    expect(bytes.equals(PNG_1X1)).toBe(true);
  });

  it('refuses a file over the cap and a path outside the workspace', async () => {
    const ws = useTempDir().dir;
    writeFileSync(join(ws, 'big.bin'), Buffer.alloc(200_000, 1));
    await expect(readWorkspaceBytes(ws, 'big.bin', 100_000)).rejects.toMatchObject({ code: 'MOLT_ERR_TOOL_FILE_TOO_LARGE', message: 'path "big.bin" is 200000 bytes; the limit is 100000' });
    await expect(readWorkspaceBytes(ws, '../elsewhere.png', 1000)).rejects.toMatchObject({ code: 'MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE' });
  });
});
