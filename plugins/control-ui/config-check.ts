/**
 * The schema stage of `config.validate`, every problem at once, as the load would find them:
 * the root schema; each root section a loaded plugin owns (`sections`) against that plugin's
 * `sectionSchemas` (such a section is not an unknown key while its plugin is loaded); and the
 * options of each `plugins` entry naming a loaded plugin, its defaults merged under them, against
 * its schema (`checkPluginOptions`, the kernel's own). What passes goes on to the kernel's
 * `checkConfig` (config-rpc.ts): plugin resolution, setup and each plugin's own `check`.
 */
import type { PluginInfo } from '../../sdk/core/index.ts';
import { checkPluginOptions, checkPluginSections, validateWith } from '../../sdk/core/index.ts';
import { ROOT_CONFIG_SCHEMA, validateRootConfig } from '../../sdk/config/index.ts';

export interface ConfigIssue {
  path: string;
  message: string;
  description?: string;
}

const ROOT_KEYS = new Set(Object.keys((ROOT_CONFIG_SCHEMA as { properties?: object }).properties ?? {}));

export function checkConfig(config: Record<string, unknown>, plugins: readonly PluginInfo[]): ConfigIssue[] {
  // Root keys the root schema does not know that a loaded plugin owns: known here, as at load.
  const owned = new Set<string>();
  for (const plugin of plugins) {
    for (const section of plugin.sections ?? []) {
      const root = section.split('.')[0]!;
      if (!ROOT_KEYS.has(root)) owned.add(root);
    }
  }
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) if (!owned.has(key)) root[key] = value;
  // The validators insert defaults: they work on copies, never on the caller's object.
  const issues: ConfigIssue[] = [];
  const result = validateWith(validateRootConfig, structuredClone(root), 'Invalid config');
  if (!result.ok) issues.push(...result.issues);
  for (const plugin of plugins) {
    for (const { result: checked } of checkPluginSections(plugin, config, 'the edited config')) {
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
