/**
 * Moltbot's first-party plugins by name, each imported only when a config names it, so
 * plugins that are not used cost nothing at start-up. Feature issues add their plugins here.
 */
import type { PluginCatalogue } from '../core/resolve-plugin.ts';

export const FIRST_PARTY: PluginCatalogue = Object.freeze({
  cache: () => import('./cache/index.ts'),
  'cache-memory': () => import('./cache-memory/index.ts'),
  'cache-disk': () => import('./cache-disk/index.ts'),
  'cache-redis': () => import('./cache-redis/index.ts'),
});

/** What runs with no config at all (DESIGN §4); grows as first-party plugins land. */
export const EMBEDDED_PRESET: readonly string[] = Object.freeze(['cache', 'cache-memory', 'cache-disk']);
