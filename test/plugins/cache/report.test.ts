import { describe, expect, it } from 'vitest';
import type { Check } from '../../../core/hook-types.ts';
import { collectCacheMetrics, diagnoseCache } from '../../../plugins/cache/report.ts';
import { TieredCache } from '../../../plugins/cache/tiered-cache.ts';
import { createMemoryStore } from '../../../plugins/cache-memory/memory-store.ts';
import { flakyStore, standaloneCache } from './helpers.ts';

function collect(cache: TieredCache) {
  const rows: string[] = [];
  collectCacheMetrics(cache, { set: (name, value, labels) => rows.push(`${name}{tier=${labels?.tier}} ${value}`) });
  return rows;
}

function diagnose(cache: TieredCache) {
  const checks: Check[] = [];
  diagnoseCache(cache, { add: (check) => checks.push(check) });
  return checks;
}

describe('metrics and diagnostics', () => {
  it('reports measured figures per tier, with entries and bytes from the memory store', async () => {
    const memory = createMemoryStore({ maxEntries: 100, maxBytes: 10_000, sweepIntervalMs: 60_000 });
    const { cache } = await standaloneCache([['memory', memory], ['remote', flakyStore()]]);
    const ns = cache.namespace('p');
    await ns.set('a', 'xyz');
    await ns.get('a');
    await ns.get('missing');
    const rows = collect(cache).filter((line) => !/latency/.test(line));
    expect(rows).toEqual([
      'hits{tier=memory} 1', 'misses{tier=memory} 1', 'errors{tier=memory} 0', 'timeouts{tier=memory} 0',
      'skipped{tier=memory} 0', 'sets{tier=memory} 1', 'deletes{tier=memory} 0', 'reads{tier=memory} 2',
      'degraded{tier=memory} 0',
      `entries{tier=memory} 1`, `bytes{tier=memory} ${'p::a'.length + '"xyz"'.length}`, 'max_entries{tier=memory} 100', 'max_bytes{tier=memory} 10000',
      'hits{tier=remote} 0', 'misses{tier=remote} 1', 'errors{tier=remote} 0', 'timeouts{tier=remote} 0',
      'skipped{tier=remote} 0', 'sets{tier=remote} 1', 'deletes{tier=remote} 0', 'reads{tier=remote} 1',
      'degraded{tier=remote} 0',
    ]);
    expect(collect(cache).filter((line) => /read_latency_p(50|99)_ms\{tier=memory\} /.test(line))).toHaveLength(2);
  });

  it('adds one check per tier: ok, or a warning that says since when, why, and what to do', async () => {
    const remote = flakyStore();
    const { cache } = await standaloneCache([['remote', remote]], { probeIntervalMs: 60_000 });
    expect(diagnose(cache).map((check) => [check.id, check.severity])).toEqual([['cache.tier.remote', 'ok']]);
    remote.mode = 'fail';
    await cache.namespace('p').get('k');
    const [check] = diagnose(cache);
    expect(check!.severity).toBe('warning');
    expect({ ...check, description: check!.description.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, '<time>') }).toMatchInlineSnapshot(`
      {
        "description": "Since <time>: backend unavailable. Reads and writes skip it (slower tiers or the source answer instead).",
        "id": "cache.tier.remote",
        "recommendation": "Check the backend of "cache-remote" (is it running and reachable?); the cache probes it and puts it back by itself.",
        "severity": "warning",
        "title": "Cache tier "remote" is degraded",
      }
    `);
  });

  it('warns when no store is registered', async () => {
    const { cache } = await standaloneCache([]);
    expect(diagnose(cache).map((check) => [check.id, check.severity, check.title])).toEqual([['cache.tiers', 'warning', 'Cache has no tiers']]);
  });
});
