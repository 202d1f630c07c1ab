/**
 * `moltbot plugins catalogue`: every first-party plugin with its one-line description, the config
 * sections it owns and whether the current config loads it; and the first-party half of
 * `plugins info` (any of them, configured or not). Descriptions come from the plugin
 * definitions themselves: importing all of them costs about as much as the validate() that
 * answers "loaded" (which imports the preset's thirty anyway), and a copy of fifty descriptions
 * would drift.
 */
import type { Command } from 'commander';
import type { PluginInfo } from '../../core/kernel-types.ts';
import type { AnyPlugin } from '../../core/plugin.ts';
import type { PluginCatalogue } from '../../core/resolve-plugin.ts';
import type { CliIo, KernelFactory } from './types.ts';

/** One line for a note: the message's first line and, for a config error, the path it names. */
export function problemLine(error: unknown): string {
  const first = error instanceof Error ? error.message.split('\n')[0]!.replace(/:$/, '') : String(error);
  const path = (error as { path?: unknown } | null)?.path;
  return typeof path === 'string' ? `${first}, at ${path}` : first;
}

export interface CatalogueRow {
  name: string;
  description: string;
  /** Config paths the plugin owns: present in the config, they load it. */
  sections: string[];
  /** In the embedded preset (loaded unless the config says `preset: "none"`). */
  preset: boolean;
  /** Whether the current config loads it; null when the config does not validate. */
  loaded: boolean | null;
}

/** The plugin definition a first-party catalogue entry exports (its default export). */
export async function loadFirstParty(catalogue: PluginCatalogue, name: string): Promise<AnyPlugin> {
  const module = (await catalogue[name]!()) as { default?: AnyPlugin } & AnyPlugin;
  return module.default ?? module;
}

/** `plugins info` of a first-party plugin the config does not load: its definition, nothing run. */
export function describeDefinition(plugin: AnyPlugin, preset: readonly string[]): object {
  return {
    name: plugin.name,
    version: plugin.version,
    ...(plugin.description === undefined ? {} : { description: plugin.description }),
    ...(plugin.kernel === undefined ? {} : { kernel: plugin.kernel }),
    origin: 'first-party',
    sections: plugin.sections ?? [],
    preset: preset.includes(plugin.name),
    dependencies: plugin.dependencies ?? [],
    loaded: false,
    ...(plugin.schema === undefined ? {} : { schema: plugin.schema }),
    ...(plugin.defaults === undefined ? {} : { defaults: plugin.defaults }),
    codeLoaded: true,
  };
}

export function registerCatalogueCommand(plugins: Command, kernelFor: KernelFactory, io: CliIo, catalogue: PluginCatalogue, preset: readonly string[], table: (header: string[], rows: string[][]) => string): void {
  plugins
    .command('catalogue')
    .description('list every first-party plugin: description, config sections it owns, and whether this config loads it')
    .option('--json', 'machine-readable list')
    .action(async (options: { json?: boolean }) => {
      // Validating resolves config and plugins without running any plugin code.
      let loaded: ReadonlySet<string> | undefined;
      let problem: string | undefined;
      try {
        loaded = new Set((await kernelFor().validate()).map((info: PluginInfo) => info.name));
      } catch (error) {
        problem = problemLine(error);
      }
      const definitions = await Promise.all(Object.keys(catalogue).sort().map((name) => loadFirstParty(catalogue, name)));
      const rows: CatalogueRow[] = definitions.map((plugin) => ({
        name: plugin.name,
        description: plugin.description ?? '',
        sections: plugin.sections ?? [],
        preset: preset.includes(plugin.name),
        loaded: loaded === undefined ? null : loaded.has(plugin.name),
      }));
      if (options.json) {
        io.stdout(`${JSON.stringify(rows)}\n`);
      } else {
        io.stdout(table(
          ['NAME', 'LOADED', 'SECTIONS', 'DESCRIPTION'],
          rows.map((row) => [row.name, row.loaded === null ? '?' : row.loaded ? 'yes' : 'no', row.sections.join(',') || '-', row.description]),
        ));
      }
      if (problem !== undefined) io.stderr(`note: the config does not validate (${problem}); LOADED is unknown. Run \`moltbot config validate\`.\n`);
    });
}
