/**
 * `moltbot/plugin-sdk/cache`: the cache store contract and the tier hooks. The `cache` plugin
 * composes tiers into one cache (`cacheServiceRef`); store plugins (first-party memory, disk,
 * Redis, or your own Memcached or Valkey store) register a tier under a name through
 * `cacheHooksRef`'s `stores` hook, and the root config's `cache.tiers` picks the tiers by name,
 * so swapping backends is a config change. A store plugin lists "cache" in `dependencies` (its
 * hooks exist once the cache plugin's setup ran).
 */
import { createHooksRef, createServiceRef, type PluginContext } from '../core/index.ts';
import type { CacheNamespace, CacheService } from './service.ts';
import type { CacheHooks } from './store-contract.ts';

export type { CacheHealth, CacheNamespace, CacheService, NamespaceOptions, TierStatus } from './service.ts';
export type { CacheEntry, CacheHooks, CacheStore, StoreFactory, StoreRegistration, StoreRegistry } from './store-contract.ts';
export { createCacheHooks } from './store-contract.ts';
export { errorText, redact } from './redact.ts';

/** The tiered cache service (service id "cache", provided by the `cache` plugin). */
export const cacheServiceRef = createServiceRef<CacheService>({
  id: 'cache',
  description: 'Tiered cache: namespaces over the tiers cache.tiers selects (plugin "cache")',
});

/** The cache plugin's hooks (`stores`); list "cache" in your plugin's `dependencies` to tap them. */
export const cacheHooksRef = createHooksRef<CacheHooks>('cache');

/** The cache plugin's hooks, typed (same as `ctx.hooksOf(cacheHooksRef)`). */
export function getCacheHooks(ctx: Pick<PluginContext, 'hooksOf'>): CacheHooks {
  return ctx.hooksOf(cacheHooksRef);
}

/** The cache service, typed (same as `ctx.use(cacheServiceRef)`). */
export function getCache(ctx: Pick<PluginContext, 'use'>): CacheService {
  return ctx.use(cacheServiceRef);
}

/** Your plugin's namespace of the cache service (`namespace` defaults to the plugin name). */
export function useCache(ctx: Pick<PluginContext, 'use' | 'name'>, namespace: string = ctx.name): CacheNamespace {
  return getCache(ctx).namespace(namespace);
}
