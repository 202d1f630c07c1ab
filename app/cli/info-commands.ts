/** `moltbot plugins list|info|catalogue` and `moltbot hooks`: what is loaded, what exists, what can be tapped. */
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../core/config/index.ts';
import { describeHooks } from '../../core/hooks.ts';
import { locatePlugin, type LocatedPlugin, type PluginCatalogue } from '../../core/resolve-plugin.ts';
import { describeDefinition, loadFirstParty, problemLine, registerCatalogueCommand } from './catalogue-command.ts';
import { CliUsageError, type CliIo, type KernelFactory } from './types.ts';

/** `catalogue` and `preset` are the first-party plugins (app/catalogue.ts): `plugins catalogue` lists them, `plugins info` knows them unconfigured. */
export function registerInfoCommands(program: Command, kernelFor: KernelFactory, io: CliIo, catalogue: PluginCatalogue = {}, preset: readonly string[] = []): void {
  const plugins = program.command('plugins').description('inspect plugins');
  plugins
    .command('list')
    .description('set up every configured plugin and list name, version, origin, status and setup time')
    .option('--json', 'machine-readable list')
    .action(async (options: { json?: boolean }) => {
      const kernel = kernelFor();
      await kernel.load();
      const rows = kernel.plugins();
      if (options.json) {
        io.stdout(`${JSON.stringify(rows)}\n`);
        return;
      }
      io.stdout(table(
        ['NAME', 'VERSION', 'ORIGIN', 'STATUS', 'SETUP'],
        rows.map((p) => [p.name, p.version, p.origin, p.status, p.setupMs === undefined ? '-' : `${p.setupMs.toFixed(1)} ms`]),
      ));
      if (rows.length === 0) io.stdout('(no plugins configured: add some to `plugins` in moltbot.config.ts)\n');
    });

  plugins
    .command('info <name>')
    .description('show a plugin, configured or first-party: version, origin, kernel range, sections, options schema and defaults (from moltbot-plugin.json without running it when it has one)')
    .action(async (name: string) => {
      const configFile = program.opts<{ config?: string }>().config;
      const fromManifest = await manifestInfo(name, io, configFile);
      if (fromManifest) {
        io.stdout(`${JSON.stringify(fromManifest, null, 2)}\n`);
        return;
      }
      // No manifest (first-party and inline plugins): the kernel must import the code to know.
      const kernel = kernelFor();
      const firstParty = Object.hasOwn(catalogue, name);
      // A first-party plugin is described even when the config does not validate: it is not the config's.
      const configured = await kernel.validate().catch((error: unknown) => {
        if (!firstParty) throw error;
        io.stderr(`note: the config does not validate (${problemLine(error)}); showing "${name}" as the catalogue has it\n`);
        return [];
      });
      const info = configured.find((p) => p.name === name);
      if (info) {
        io.stdout(`${JSON.stringify({ ...info, loaded: true, codeLoaded: true }, null, 2)}\n`);
        return;
      }
      if (firstParty) {
        io.stdout(`${JSON.stringify(describeDefinition(await loadFirstParty(catalogue, name), preset), null, 2)}\n`);
        return;
      }
      throw new CliUsageError(`plugin "${name}" is not configured; configured: ${kernel.plugins().map((p) => p.name).join(', ') || 'none'}; \`moltbot plugins catalogue\` lists the first-party plugins`);
    });

  registerCatalogueCommand(plugins, kernelFor, io, catalogue, preset, table);

  program
    .command('hooks')
    .description('list the kernel hook catalogue: when each hook runs and what returning means')
    .option('--json', 'machine-readable list')
    .action((options: { json?: boolean }) => {
      const hooks = describeHooks();
      if (options.json) io.stdout(`${JSON.stringify(hooks)}\n`);
      else io.stdout(table(['HOOK', 'AREA', 'CLASS', 'WHEN'], hooks.map((h) => [h.name, h.area, h.class, h.when])));
    });
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/**
 * `plugins info` from a manifest, without importing any plugin: `name` is a path or package
 * reference, or the manifest name of a plugin the config lists by path or package.
 */
async function manifestInfo(name: string, io: CliIo, configFile: string | undefined): Promise<object | undefined> {
  const direct = tryLocate(name, 'the command line', io.cwd);
  if (direct?.manifest) return describeLocated(direct, undefined);
  const loaded = await loadConfig({
    cwd: io.cwd, env: io.env, homeDir: io.env.HOME ?? homedir(), ...(configFile ? { configFile } : {}),
  });
  const baseDir = loaded.file ? dirname(loaded.file) : io.cwd;
  const entries = Array.isArray(loaded.config.plugins) ? loaded.config.plugins as unknown[] : [];
  for (const [index, entry] of entries.entries()) {
    const [reference, options] = Array.isArray(entry) ? entry as [unknown, unknown] : [entry, undefined];
    if (typeof reference !== 'string') continue;
    const located = tryLocate(reference, `plugins[${index}]`, baseDir);
    if (located?.manifest?.name === name) return describeLocated(located, { declaredAt: `plugins[${index}]`, options });
  }
  return undefined;
}

/** Only "is there a manifest here": any failure means the kernel path must answer instead. */
function tryLocate(reference: string, declaredAt: string, baseDir: string): LocatedPlugin | undefined {
  try {
    return locatePlugin(reference, declaredAt, { baseDir, catalogue: {} });
  } catch {
    return undefined;
  }
}

function describeLocated(located: LocatedPlugin, configured: { declaredAt: string; options: unknown } | undefined): object {
  const manifest = located.manifest!;
  const properties = (located.optionsSchema as { properties?: Record<string, { default?: unknown }> } | undefined)?.properties ?? {};
  const defaults = Object.fromEntries(Object.entries(properties).filter(([, property]) => 'default' in property).map(([key, property]) => [key, property.default]));
  return {
    name: manifest.name,
    version: manifest.version,
    ...(manifest.description === undefined ? {} : { description: manifest.description }),
    ...(manifest.kernel === undefined ? {} : { kernel: manifest.kernel }),
    origin: located.origin,
    ...(located.packageName ? { package: located.packageName } : {}),
    entry: located.entryFile,
    manifest: located.manifestFile,
    ...(configured ? { declaredAt: configured.declaredAt, configured: configured.options !== undefined } : {}),
    ...(located.optionsSchema ? { schema: located.optionsSchema, defaults } : {}),
    codeLoaded: false,
  };
}
