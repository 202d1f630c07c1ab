/**
 * The `vi.mock('node:fs/promises', …)` factory of the store-level disk-full tests: the real
 * module with `open` wrapped by faulty-file.ts, so a store's own writes (atomic or appended)
 * fail as armed through `faults` while its code stays untouched.
 *
 *   vi.mock('node:fs/promises', async (real) => (await import('../../helpers/faulty-fs-mock.ts')).mockFsPromises(await real()));
 */
import type * as fsPromises from 'node:fs/promises';
import { faultyOpen } from './faulty-file.ts';

export function mockFsPromises(real: typeof fsPromises): typeof fsPromises {
  const open = faultyOpen(real.open as (path: string, flags?: string | number, mode?: number) => Promise<fsPromises.FileHandle>) as unknown as typeof fsPromises.open;
  return { ...real, open, default: { ...real, open } } as typeof fsPromises;
}
