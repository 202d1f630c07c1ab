/** Doctor's probe of the disk tier, read-only: the SQLite file, or the folder it will be created in, is writable. */
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';

export async function probeWritable(file: string): Promise<void> {
  let target = file;
  // The file and its folders appear on the gateway's first start: check the nearest that exists.
  while (!existsSync(target) && dirname(target) !== target) target = dirname(target);
  try {
    accessSync(target, constants.W_OK);
  } catch {
    throw new Error(`${target} is not writable by this user (uid ${process.getuid?.() ?? '?'}): the cache file ${file} cannot be written`);
  }
}
