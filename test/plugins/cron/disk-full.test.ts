/**
 * Cron's state file on a full disk (injected short write / ENOSPC on its atomic write): a job
 * add, update or remove whose write fails is refused with MOLT_ERR_STORE_NO_SPACE (not a vague
 * state error) and taken back in memory, so what runs is what the file says.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { faults } from '../../helpers/faulty-file.ts';
import { sharedStateDir, startCron } from './harness.ts';

vi.mock('node:fs/promises', async (real) => (await import('../../helpers/faulty-fs-mock.ts')).mockFsPromises(await real()));

afterEach(() => faults.clear());

const NO_SPACE = { code: 'MOLT_ERR_STORE_NO_SPACE', message: expect.stringMatching(/No space left on the disk to write jobs\.json/) };

describe('cron state on a full disk', () => {
  it('a refused add, update or remove is undone and the state file stays whole', async () => {
    const stateDir = sharedStateDir();
    const h = await startCron({ stateDir, withChannel: false });
    await h.cron.add({ id: 'kept', every: '1h', message: 'tick' });
    const file = join(stateDir, 'cron', 'jobs.json');
    const onDisk = readFileSync(file, 'utf8');

    faults.arm(/jobs\.json\..*\.tmp$/, 'short');
    await expect(h.cron.add({ id: 'refused', every: '1h', message: 'x' })).rejects.toMatchObject(NO_SPACE);
    expect(h.cron.list().map((j) => j.id)).toEqual(['kept']);
    await expect(h.cron.update('kept', { message: 'changed' })).rejects.toMatchObject(NO_SPACE);
    expect(h.cron.get('kept')?.input).toMatchObject({ message: 'tick' });
    await expect(h.cron.remove('kept')).rejects.toMatchObject(NO_SPACE);
    expect(h.cron.list().map((j) => j.id)).toEqual(['kept']);
    expect(faults.hits()).toBeGreaterThan(0);
    expect(readFileSync(file, 'utf8')).toBe(onDisk);
    expect(readdirSync(join(stateDir, 'cron'))).toEqual(['jobs.json']);

    faults.clear();
    await h.cron.add({ id: 'later', every: '1h', message: 'y' });
    expect(JSON.parse(readFileSync(file, 'utf8')).jobs.map((j: { input: { id: string } }) => j.input.id)).toEqual(['kept', 'later']);
    await h.kernel.close();
  });
});
