/**
 * alert-file on a full disk (real tmpfs): an alert line the disk cannot take is cut back off and
 * logged as MOLT_ERR_STORE_NO_SPACE by the sink; the next alert after space is freed is a whole
 * line of its own, not glued to a torn one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import alertFile from '../../../plugins/alert-file/index.ts';
import { mountTmpfs, type Tmpfs } from '../../helpers/tmpfs.ts';

const mounted = mountTmpfs(1024 * 1024);
const tmpfs = 'unavailable' in mounted ? undefined : mounted;
if (tmpfs === undefined) console.warn(`alert-file tmpfs test skipped: ${(mounted as { unavailable: string }).unavailable}`);
afterAll(() => tmpfs?.unmount());

const alert = (id: string, message: string): Alert => ({ id, severity: 'warning', source: 'test', message, state: 'firing', at: 1 });

describe('alert-file on a full disk', () => {
  it.skipIf(tmpfs === undefined)('an alert that does not fit is reported and cut back; the next one is a whole line', async () => {
    const fs = tmpfs as Tmpfs;
    const kernel = await createTestKernel({ plugins: [alertFile], env: { MOLTBOT_STATE_DIR: join(fs.dir, 'state') } });
    const file = join(fs.dir, 'state', 'plugins', 'alert-file', 'alerts.jsonl');
    await kernel.hooks.alert.promise(alert('a1', 'before'));
    fs.fillTo(8 * 1024);
    await kernel.hooks.alert.promise(alert('a2', 'x'.repeat(64 * 1024)));
    const failure = kernel.logs.find((record) => record.msg === 'alert sink failed to deliver') as { err?: { code?: string; message?: string } } | undefined;
    expect(failure?.err).toMatchObject({ code: 'MOLT_ERR_STORE_NO_SPACE' });
    expect(failure?.err?.message).toMatch(/No space left on the disk to write alerts\.jsonl/);
    fs.release();
    await kernel.hooks.alert.promise(alert('a3', 'after'));
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => (JSON.parse(line) as Alert).id)).toEqual(['a1', 'a3']);
    await kernel.close();
  });
});
