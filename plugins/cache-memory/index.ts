/** `cache-memory`: the in-process LRU tier of the cache (tier name "memory"). */
import schema from '../../schemas/plugins/cache-memory.json' with { type: 'json' };
import validate from '../../schemas/generated/cache-memory.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { getCacheHooks } from '../../sdk/cache/index.ts';
import { createMemoryStore, type MemoryStoreOptions } from './memory-store.ts';

export default definePlugin<MemoryStoreOptions>({
  name: 'cache-memory',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Memory tier of the cache: an LRU bounded by entries and bytes',
  schema,
  validate,
  defaults: { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024, sweepIntervalMs: 60_000 },
  dependencies: ['cache'],
  setup(ctx, options) {
    getCacheHooks(ctx).stores.tap(ctx.name, (stores) => stores.set('memory', {
      plugin: ctx.name,
      rank: 0,
      create: () => createMemoryStore(options),
    }));
  },
});
