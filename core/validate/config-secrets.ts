/**
 * The secrets of a whole config: the root schema's secret fields plus, at each position where a
 * loaded plugin takes its options from the config (`plugins[i]` → its options element,
 * `channels.<id>` for a channel plugin), the fields that plugin's own schema marks secret (or
 * whose name looks secret). One view used by everything that shows or logs config: `config
 * print`, RPC `config.get`, the doctor bundle, the log redactor's literal values, channel error
 * texts. Each plugin schema is applied only to its own options (its `$ref`s resolve in its own
 * document; a `url` secret in one plugin does not mask another plugin's `url`).
 */
import { collectSecretValues, maskSecrets } from './secrets.ts';

export type ConfigPath = readonly (string | number)[];

/** Where in the config a plugin's options live, and that plugin's options schema. */
export interface PluginSchemaAt {
  plugin: string;
  path: ConfigPath;
  schema: object;
}

export interface ConfigSecrets {
  /** Deep copy of `config` (same shape as the root config) with every secret that is set masked. */
  mask<T>(config: T): T;
  /** Every secret string `config` holds (root and plugin options), each once. */
  values(config: unknown): string[];
}

export function configSecrets(rootSchema: object, plugins: readonly PluginSchemaAt[]): ConfigSecrets {
  return {
    mask<T>(config: T): T {
      // maskSecrets copies every object and array it walks: the positions below are our own copies.
      const masked = maskSecrets(config, rootSchema);
      for (const { path, schema } of plugins) {
        const parent = at(masked, path.slice(0, -1));
        const key = path[path.length - 1]!;
        if (!isContainer(parent) || !Object.hasOwn(parent, key)) continue;
        const options = (parent as Record<string | number, unknown>)[key];
        if (isContainer(options)) (parent as Record<string | number, unknown>)[key] = maskSecrets(options, schema);
      }
      return masked;
    },
    values(config) {
      const found = new Set(collectSecretValues(config, rootSchema));
      for (const { path, schema } of plugins) {
        const options = at(config, path);
        if (isContainer(options)) for (const value of collectSecretValues(options, schema)) found.add(value);
      }
      return [...found];
    },
  };
}

/** The value at `path` (undefined when any step is missing). */
function at(value: unknown, path: ConfigPath): unknown {
  let node = value;
  for (const key of path) {
    if (!isContainer(node) || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
