/**
 * `cache`: the tiered cache service (`ctx.use(cacheServiceRef)`). Tiers are store plugins
 * (`cache-memory`, `cache-disk`, `cache-redis`, or your own) registered through the
 * `cache.stores` hook and chosen by `cache.tiers` in the root config, so swapping backends
 * is a config change. See README.md beside this file.
 */
import schema from '../../schemas/plugins/cache.json' with { type: 'json' };
import validate from '../../schemas/generated/cache.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { cacheServiceRef, createCacheHooks } from '../../sdk/cache/index.ts';
import { buildTiers, selectTiers, type SelectedTier } from './build-tiers.ts';
import { collectCacheMetrics, diagnoseCache, diagnoseConfiguredTiers } from './report.ts';
import { TieredCache } from './tiered-cache.ts';

// The contract lives in the SDK (`moltbot/plugin-sdk/cache`); re-exported for this plugin's users.
export { cacheHooksRef, cacheServiceRef, getCache, getCacheHooks, useCache } from '../../sdk/cache/index.ts';
export type { CacheEntry, CacheHealth, CacheHooks, CacheNamespace, CacheService, CacheStore, NamespaceOptions, StoreFactory, StoreRegistration, StoreRegistry, TierStatus } from '../../sdk/cache/index.ts';

export interface CacheOptions {
  probeIntervalMs: number;
  alertWindowMs: number;
}

/** Lifetime of an entry written without a ttl when the root config has no `cache.ttl` (5 min). */
export const DEFAULT_TTL_MS = 300_000;

export default definePlugin<CacheOptions>({
  name: 'cache',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Tiered cache service (memory, disk, Redis or your own stores), chosen by cache.tiers',
  sections: ['cache'],
  schema,
  validate,
  provides: [cacheServiceRef],
  defaults: { probeIntervalMs: 1000, alertWindowMs: 300_000 },
  setup(ctx, options) {
    const hooks = ctx.exposeHooks(createCacheHooks());
    const rootCache = (ctx.config.cache ?? {}) as { tiers?: string[]; ttl?: number };
    const cache = new TieredCache({ defaultTtlMs: rootCache.ttl ?? DEFAULT_TTL_MS });
    ctx.provide(cacheServiceRef, cache);

    // Store plugins depend on "cache", so they tap `stores` after this setup: once every setup
    // ran, a tier nobody provides is a config error before anything starts.
    let selected: SelectedTier[] = [];
    ctx.hooks.configResolved.tap(ctx.name, (config) => {
      selected = selectTiers(rootCache.tiers, hooks.stores.call(new Map()));
      return config;
    });
    ctx.hooks.start.tapPromise(ctx.name, async () => {
      const tiers = await buildTiers(selected, {
        probeIntervalMs: options.probeIntervalMs,
        alertWindowMs: options.alertWindowMs,
        log: ctx.log,
        alert: (alert) => {
          ctx.hooks.alert.promise(alert).catch((error: unknown) => {
            ctx.log.warn({ err: error, alert: alert.id }, 'an alert sink failed to take a cache alert');
          });
        },
      });
      cache.attach(tiers);
      if (tiers.length === 0) ctx.log.warn({}, 'cache has no tiers: no store plugin is registered, every read is a miss');
      else ctx.log.info({ tiers: cache.tiers }, 'cache tiers ready');
    });
    ctx.hooks.collectMetrics.tapPromise(ctx.name, async (collector) => collectCacheMetrics(cache, collector));
    ctx.hooks.diagnose.tapPromise(ctx.name, async (report) => {
      // Not started here (a CLI process: doctor): probe the configured tiers' backends instead.
      if (cache.state === 'pending') await diagnoseConfiguredTiers(selected, report);
      else diagnoseCache(cache, report);
    });
    ctx.onClose(() => cache.close());
  },
});
