/**
 * What `config.validate` checks in an edited config, without applying it, as the load would:
 * the root schema; each root section a loaded plugin owns (`sections`) against that plugin's
 * `sectionSchemas` (such a section is not an unknown key while its plugin is loaded); and the
 * options of each `plugins` entry naming a loaded plugin, its defaults merged under them, against
 * its schema (`checkPluginOptions`, the kernel's own). A plugin this gateway has not loaded is
 * not imported to check it, and plugins' own `check`s run only at load (`moltbot config validate`).
 */
import type { PluginInfo } from '../../sdk/core/index.ts';
import { checkPluginOptions, compileSchema, validateWith } from '../../sdk/core/index.ts';
import { ROOT_CONFIG_SCHEMA, validateRootConfig } from '../../sdk/config/index.ts';

export interface ConfigIssue {
  path: string;
  message: string;
  description?: string;
}

const ROOT_KEYS = new Set(Object.keys((ROOT_CONFIG_SCHEMA as { properties?: object }).properties ?? {}));

export function checkConfig(config: Record<string, unknown>, plugins: readonly PluginInfo[]): ConfigIssue[] {
  const owned = new Map<string, PluginInfo>();
  for (const plugin of plugins) {
    for (const section of plugin.sections ?? []) {
      const root = section.split('.')[0]!;
      if (!ROOT_KEYS.has(root)) owned.set(root, plugin);
    }
  }
  const root: Record<string, unknown> = {};
  const sections: [string, unknown, PluginInfo][] = [];
  for (const [key, value] of Object.entries(config)) {
    const plugin = owned.get(key);
    if (plugin === undefined) root[key] = value;
    else sections.push([key, value, plugin]);
  }
  // The validators insert defaults: they work on copies, never on the caller's object.
  const issues: ConfigIssue[] = [];
  const result = validateWith(validateRootConfig, structuredClone(root), 'Invalid config');
  if (!result.ok) issues.push(...result.issues);
  for (const [key, value, plugin] of sections) {
    for (const [section, schema] of Object.entries(plugin.sectionSchemas ?? {})) {
      const path = section.split('.');
      if (path[0] !== key) continue;
      const at = path.slice(1).reduce<unknown>((node, step) => (typeof node === 'object' && node !== null && Object.hasOwn(node, step) ? (node as Record<string, unknown>)[step] : undefined), value);
      if (at === undefined) continue;
      const checked = validateWith(compileSchema(schema), structuredClone(at), `Invalid "${section}"`, section);
      if (!checked.ok) issues.push(...checked.issues.map((issue) => ({ ...issue, message: `${issue.message} (section of plugin "${plugin.name}")` })));
    }
  }
  const loaded = new Map(plugins.map((plugin) => [plugin.name, plugin]));
  const entries = Array.isArray(config.plugins) ? config.plugins : [];
  entries.forEach((entry: unknown, index) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') return;
    const plugin = loaded.get(entry[0]);
    const options: unknown = entry[1];
    // A malformed entry is the root schema's issue, reported above.
    if (plugin === undefined || typeof options !== 'object' || options === null || Array.isArray(options)) return;
    const { result } = checkPluginOptions(plugin, structuredClone(options), `Invalid options for plugin "${plugin.name}"`, `plugins[${index}].options`);
    if (!result.ok) issues.push(...result.issues);
  });
  return issues;
}
