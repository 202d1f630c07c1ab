/**
 * From `cache.tiers` and the registered stores to built tiers. Naming a tier no plugin
 * provides is a config error (exit 78) that says which plugin to add; without `cache.tiers`
 * every registered store is used, fastest (lowest rank) first.
 */
import { MoltbotError } from '../../sdk/core/index.ts';
import type { Alert } from '../../sdk/core/index.ts';
import type { StoreRegistration, StoreRegistry } from '../../sdk/cache/index.ts';
import type { CacheLog } from './tier-health.ts';
import { Tier } from './tier.ts';

/** Tier name → the first-party plugin that provides it (named in the fix of a config error). */
const FIRST_PARTY_STORES: Readonly<Record<string, string>> = { memory: 'cache-memory', disk: 'cache-disk', redis: 'cache-redis' };

export interface SelectedTier {
  name: string;
  registration: StoreRegistration;
}

export function selectTiers(configured: readonly string[] | undefined, registry: StoreRegistry): SelectedTier[] {
  if (configured === undefined) {
    return [...registry].map(([name, registration]) => ({ name, registration })).sort((a, b) => a.registration.rank - b.registration.rank);
  }
  const seen = new Set<string>();
  return configured.map((name, index) => {
    const path = `cache.tiers[${index}]`;
    if (seen.has(name)) {
      throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
        message: `${path} names tier "${name}" a second time`,
        path,
        plugin: 'cache',
        fix: `List each tier once in cache.tiers, fastest first, e.g. ["memory", "disk", "redis"].`,
      });
    }
    seen.add(name);
    const registration = registry.get(name);
    if (!registration) {
      const known = [...registry.keys()];
      throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
        message: `${path} names tier "${name}", which no store plugin provides (${known.length > 0 ? `provided: ${known.join(', ')}` : 'no store plugin is registered'})`,
        path,
        plugin: 'cache',
        fix: `${name in FIRST_PARTY_STORES ? `Add "${FIRST_PARTY_STORES[name]}"` : `Add the store plugin that registers tier "${name}"`} to \`plugins\`, or remove "${name}" from cache.tiers.`,
      });
    }
    return { name, registration };
  });
}

export interface BuildOptions {
  probeIntervalMs: number;
  alertWindowMs: number;
  alert(alert: Alert): void;
  log: CacheLog;
}

/** Creates the stores in order; if one fails, those already created are closed again. */
export async function buildTiers(selected: readonly SelectedTier[], options: BuildOptions): Promise<Tier[]> {
  const tiers: Tier[] = [];
  for (const { name, registration } of selected) {
    try {
      const store = await registration.create();
      const tier = new Tier({ name, store, plugin: registration.plugin, ...options });
      tiers.push(tier);
      await tier.check();
    } catch (cause) {
      await Promise.allSettled(tiers.map((tier) => tier.close()));
      throw new MoltbotError('MOLT_ERR_PLUGIN_SETUP_FAILED', {
        message: `Cache tier "${name}" (plugin "${registration.plugin}") could not be created: ${cause instanceof Error ? cause.message : String(cause)}`,
        plugin: registration.plugin,
        hook: 'start',
        cause,
      });
    }
  }
  return tiers;
}
