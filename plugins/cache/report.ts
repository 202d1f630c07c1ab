/** The cache's answers to `collectMetrics` and `diagnose`: measured per tier, nothing assumed. */
import type { Check, CheckReport, MetricsCollector } from '../../sdk/core/index.ts';
import type { SelectedTier } from './build-tiers.ts';
import { errorText, redact } from '../../sdk/cache/index.ts';
import type { TieredCache } from './tiered-cache.ts';

export function collectCacheMetrics(cache: TieredCache, collector: MetricsCollector): void {
  for (const tier of cache.layers) {
    const labels = { tier: tier.name };
    const figures = tier.metrics.figures();
    for (const [name, value] of Object.entries(figures)) collector.set(snake(name), value, labels);
    collector.set('degraded', tier.health.degraded ? 1 : 0, labels);
    // Store-measured figures (memory: entries, bytes); a failing stats() must not fail the scrape.
    let own: Record<string, number> = {};
    try {
      own = tier.store.stats?.() ?? {};
    } catch {
      own = {};
    }
    for (const [name, value] of Object.entries(own)) collector.set(snake(name), value, labels);
  }
}

const degradedFix = (plugin: string) => `Check the backend of "${plugin}" (is it running and reachable?); the cache probes it and puts it back by itself.`;

/**
 * Where the cache is not started (a CLI process such as `moltbot doctor`), each configured tier
 * is probed through its registration's `probe()` (read-only, nothing kept open): the tiers
 * the gateway would use, as they answer now.
 */
export async function diagnoseConfiguredTiers(selected: readonly SelectedTier[], report: CheckReport, timeoutMs = 5_000): Promise<void> {
  // Probed together, reported in tier order (fastest first).
  const checks = await Promise.all(selected.map(async ({ name, registration }): Promise<Check> => {
    const id = `cache.tier.${name}`;
    if (registration.probe === undefined) {
      return { id, severity: 'ok', title: `Cache tier "${name}" is healthy`, description: `Provided by "${registration.plugin}" inside the gateway process (nothing to probe).` };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        registration.probe(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs); }),
      ]);
      return { id, severity: 'ok', title: `Cache tier "${name}" is healthy`, description: `Provided by "${registration.plugin}"; its backend answered a probe.` };
    } catch (error) {
      return {
        id,
        severity: 'warning',
        title: `Cache tier "${name}" is degraded`,
        description: `Its backend did not answer a probe: ${redact(errorText(error), [])}. The gateway starts with it degraded: reads and writes skip it (slower tiers or the source answer instead).`,
        recommendation: degradedFix(registration.plugin),
      };
    } finally {
      clearTimeout(timer);
    }
  }));
  for (const check of checks) report.add(check);
}

export function diagnoseCache(cache: TieredCache, report: CheckReport): void {
  if (cache.state !== 'ready') return;
  if (cache.layers.length === 0) {
    report.add({
      id: 'cache.tiers',
      severity: 'warning',
      title: 'Cache has no tiers',
      description: 'No store plugin is registered, so every cache read is a miss.',
      recommendation: 'Add "cache-memory" (and "cache-disk" or "cache-redis") to `plugins`, and name them in cache.tiers.',
    });
    return;
  }
  for (const tier of cache.layers) {
    const status = tier.health.status();
    report.add(status.status === 'ok'
      ? {
        id: `cache.tier.${tier.name}`,
        severity: 'ok',
        title: `Cache tier "${tier.name}" is healthy`,
        description: `Provided by "${tier.plugin}"; ${tier.metrics.errors} failed operation(s) since start.`,
      }
      : {
        id: `cache.tier.${tier.name}`,
        severity: 'warning',
        title: `Cache tier "${tier.name}" is degraded`,
        description: `Since ${new Date(status.since!).toISOString()}: ${status.lastError ?? 'unknown error'}. Reads and writes skip it (slower tiers or the source answer instead).`,
        recommendation: degradedFix(tier.plugin),
      });
  }
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
