/** `cache-disk`: the durable SQLite tier of the cache (tier name "disk"), under `<stateDir>/cache/`. */
import { join } from 'node:path';
import schema from '../../schemas/plugins/cache-disk.json' with { type: 'json' };
import validate from '../../schemas/generated/cache-disk.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { getCacheHooks } from '../../sdk/cache/index.ts';
import { createDiskStore } from './disk-store.ts';
import { probeWritable } from './probe.ts';

export interface CacheDiskOptions {
  file: string;
  maxEntries: number;
  sweepIntervalMs: number;
}

export default definePlugin<CacheDiskOptions>({
  name: 'cache-disk',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Disk tier of the cache: SQLite (node:sqlite, WAL) under the state dir',
  schema,
  validate,
  defaults: { file: 'cache.sqlite', maxEntries: 100_000, sweepIntervalMs: 60_000 },
  dependencies: ['cache'],
  setup(ctx, options) {
    getCacheHooks(ctx).stores.tap(ctx.name, (stores) => stores.set('disk', {
      plugin: ctx.name,
      rank: 10,
      create: () => createDiskStore({
        path: join(ctx.paths.stateDir, 'cache', options.file),
        maxEntries: options.maxEntries,
        sweepIntervalMs: options.sweepIntervalMs,
      }),
      // Read-only: the file (or the folder it will be created in) must be writable by this user.
      probe: async () => probeWritable(join(ctx.paths.stateDir, 'cache', options.file)),
    }));
  },
});
