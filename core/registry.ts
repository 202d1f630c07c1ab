/**
 * Which plugins run and in what order: duplicates, kernel range, declared dependencies,
 * topological order (registration order kept where dependencies allow) and a cycle report.
 */
import satisfies from 'semver/functions/satisfies.js';
import { MoltbotError } from './errors.ts';
import type { AnyPlugin } from './plugin.ts';
import { useOf } from './refs.ts';
import { declaredProviders } from './service-declarations.ts';

export type PluginOrigin = 'first-party' | 'package' | 'path' | 'inline';

export interface PluginRecord {
  plugin: AnyPlugin;
  options: unknown;
  origin: PluginOrigin;
  /** Where the user declared it, e.g. `plugins[3]` or `register() #1`. */
  declaredAt: string;
  specifier?: string;
  /** Config path its options come from, when not `plugins[i]` (e.g. `channels.telegram`): option errors name it. */
  optionsPath?: string;
  /** Added by the kernel (preset, implied by a section), not named by the user: a plugin that `replaces` it simply takes its place. */
  implicit?: boolean;
}

export function orderPlugins(all: readonly PluginRecord[], kernelVersion: string): PluginRecord[] {
  const { records, replacedBy } = applyReplacements(all);
  const byName = new Map<string, PluginRecord>();
  for (const record of records) {
    const name = record.plugin.name;
    const existing = byName.get(name);
    if (existing) {
      throw new MoltbotError('MOLT_ERR_PLUGIN_DUPLICATE', {
        message: `Plugin "${name}" is registered twice (${existing.declaredAt} and ${record.declaredAt})`,
        plugin: name,
        path: record.declaredAt,
      });
    }
    byName.set(name, record);
    const range = record.plugin.kernel;
    if (range !== undefined && !satisfies(kernelVersion, range, { includePrerelease: true })) {
      throw new MoltbotError('MOLT_ERR_PLUGIN_KERNEL_RANGE', {
        message: `Plugin "${name}" requires kernel ${range}, this is ${kernelVersion}`,
        plugin: name,
        path: record.declaredAt,
      });
    }
  }
  for (const [replaced, record] of replacedBy) if (!byName.has(replaced)) byName.set(replaced, record);
  for (const record of records) {
    for (const dependency of record.plugin.dependencies ?? []) {
      if (!byName.has(dependency)) {
        throw new MoltbotError('MOLT_ERR_PLUGIN_DEPENDENCY_MISSING', {
          message: `Plugin "${record.plugin.name}" depends on "${dependency}", which is not registered`,
          plugin: record.plugin.name,
          path: record.declaredAt,
          fix: `Add "${dependency}" to \`plugins\` in your config (before or after "${record.plugin.name}": order is resolved for you).`,
        });
      }
    }
  }
  return topologicalOrder(records, byName, declaredProviders(records.map((record) => record.plugin)));
}

/** Drops kernel-added plugins another plugin `replaces`; a replaced plugin the user declared is a conflict. */
function applyReplacements(all: readonly PluginRecord[]): { records: PluginRecord[]; replacedBy: Map<string, PluginRecord> } {
  const replacedBy = new Map<string, PluginRecord>();
  for (const record of all) for (const name of record.plugin.replaces ?? []) replacedBy.set(name, record);
  if (replacedBy.size === 0) return { records: [...all], replacedBy };
  const records = all.filter((record) => {
    const replacer = replacedBy.get(record.plugin.name);
    if (replacer === undefined) return true;
    if (record.implicit) return false;
    throw new MoltbotError('MOLT_ERR_PLUGIN_DUPLICATE', {
      message: `Plugin "${replacer.plugin.name}" (${replacer.declaredAt}) replaces "${record.plugin.name}" (${record.declaredAt}): they provide the same services`,
      plugin: replacer.plugin.name,
      path: record.declaredAt,
      fix: `Remove "${record.plugin.name}" from your config; "${replacer.plugin.name}" takes its place.`,
    });
  });
  return { records, replacedBy };
}

/** Declared dependencies, then the present optional ones, then the declared providers of what it consumes. */
function edgesOf(record: PluginRecord, byName: Map<string, PluginRecord>, providers: Map<string, string>): string[] {
  const optional = (record.plugin.optionalDependencies ?? []).filter((name) => byName.has(name));
  const provided = (record.plugin.consumes ?? []).map((use) => providers.get(useOf(use).id))
    .filter((name): name is string => name !== undefined && name !== record.plugin.name);
  return [...new Set([...(record.plugin.dependencies ?? []), ...optional, ...provided])];
}

function topologicalOrder(records: readonly PluginRecord[], byName: Map<string, PluginRecord>, providers: Map<string, string>): PluginRecord[] {
  const ordered: PluginRecord[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (record: PluginRecord, trail: string[]) => {
    const name = record.plugin.name;
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      throw new MoltbotError('MOLT_ERR_PLUGIN_CYCLE', {
        message: `Plugin dependencies form a cycle: ${cycle.join(' → ')}`,
        plugin: name,
        data: { cycle },
      });
    }
    state.set(name, 'visiting');
    for (const dependency of edgesOf(record, byName, providers)) visit(byName.get(dependency)!, [...trail, name]);
    state.set(name, 'done');
    ordered.push(record);
  };
  for (const record of records) visit(record, []);
  return ordered;
}
