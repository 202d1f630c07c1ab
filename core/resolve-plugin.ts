/**
 * Turns a `plugins` entry (first-party name, package name, path, plugin object, or any of
 * those paired with options) into a plugin record.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MoltbotError } from './errors.ts';
import { assertPluginDefinition, isPluginDefinition, type AnyPlugin } from './plugin.ts';
import type { PluginOrigin, PluginRecord } from './registry.ts';

export type PluginReference = string | AnyPlugin;
export type PluginEntry = PluginReference | readonly [PluginReference, object?];

/** First-party plugins by name, each loaded only when used. */
export type PluginCatalogue = Readonly<Record<string, () => Promise<unknown>>>;

export interface ResolveOptions {
  /** Relative paths resolve from here (the config file's folder, else the cwd). */
  baseDir: string;
  catalogue: PluginCatalogue;
}

export async function resolveEntry(entry: PluginEntry, declaredAt: string, options: ResolveOptions): Promise<PluginRecord> {
  const [reference, pluginOptions] = Array.isArray(entry) ? entry : [entry as PluginReference, undefined];
  if (pluginOptions !== undefined && (typeof pluginOptions !== 'object' || pluginOptions === null || Array.isArray(pluginOptions))) {
    throw new MoltbotError('MOLT_ERR_PLUGIN_OPTIONS_INVALID', {
      message: `Options at ${declaredAt}[1] must be an object`,
      path: `${declaredAt}[1]`,
    });
  }
  if (typeof reference !== 'string') {
    assertPluginDefinition(reference, declaredAt);
    return { plugin: reference, options: pluginOptions ?? {}, origin: 'inline', declaredAt };
  }
  const { module, origin } = await loadReference(reference, declaredAt, options);
  const plugin = pluginFromModule(module, reference, declaredAt);
  return { plugin, options: pluginOptions ?? {}, origin, declaredAt, specifier: reference };
}

function isPathReference(reference: string): boolean {
  return reference.startsWith('.') || isAbsolute(reference) || reference.startsWith('file:');
}

async function loadReference(reference: string, declaredAt: string, options: ResolveOptions): Promise<{ module: unknown; origin: PluginOrigin }> {
  const firstParty = options.catalogue[reference];
  if (firstParty) return { module: await firstParty(), origin: 'first-party' };
  let url: string;
  let origin: PluginOrigin;
  if (isPathReference(reference)) {
    const path = reference.startsWith('file:') ? reference : resolve(options.baseDir, reference);
    if (!reference.startsWith('file:') && !existsSync(path)) {
      throw new MoltbotError('MOLT_ERR_PLUGIN_NOT_FOUND', {
        message: `Plugin file ${path} (from ${declaredAt}: "${reference}") does not exist`,
        path: declaredAt,
      });
    }
    url = reference.startsWith('file:') ? reference : pathToFileURL(path).href;
    origin = 'path';
  } else {
    const resolved = resolvePackage(reference, options.baseDir);
    if (!resolved) {
      const known = Object.keys(options.catalogue);
      throw new MoltbotError('MOLT_ERR_PLUGIN_NOT_FOUND', {
        message: `Plugin "${reference}" (${declaredAt}) is neither a first-party plugin nor an installed package`,
        path: declaredAt,
        fix: known.length > 0
          ? `First-party plugins: ${known.join(', ')}. For a package: npm install ${reference}. For a file: start the path with ./`
          : `For a package: npm install ${reference}. For a file: start the path with ./`,
      });
    }
    url = pathToFileURL(resolved).href;
    origin = 'package';
  }
  try {
    return { module: await import(url), origin };
  } catch (cause) {
    throw new MoltbotError('MOLT_ERR_PLUGIN_INVALID', {
      message: `Plugin "${reference}" (${declaredAt}) failed to load: ${cause instanceof Error ? cause.message : String(cause)}`,
      path: declaredAt,
      cause,
    });
  }
}

/** require.resolve misses ESM-only packages (no "require" condition); then read their exports. */
function resolvePackage(name: string, baseDir: string): string | undefined {
  try {
    return createRequire(join(baseDir, 'package.json')).resolve(name);
  } catch {
    for (let dir = baseDir; ; dir = dirname(dir)) {
      const manifest = join(dir, 'node_modules', name, 'package.json');
      if (existsSync(manifest)) {
        const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: string };
        const entry = pickExport(pkg.exports) ?? pkg.main ?? 'index.js';
        return join(dirname(manifest), entry);
      }
      if (dirname(dir) === dir) return undefined;
    }
  }
}

function pickExport(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (typeof exports !== 'object' || exports === null) return undefined;
  const map = exports as Record<string, unknown>;
  const root = '.' in map ? map['.'] : map;
  if (typeof root === 'string') return root;
  if (typeof root !== 'object' || root === null) return undefined;
  for (const condition of ['import', 'node', 'default']) {
    const picked = pickExport((root as Record<string, unknown>)[condition]);
    if (picked) return picked;
  }
  return undefined;
}

function pluginFromModule(module: unknown, reference: string, declaredAt: string): AnyPlugin {
  const exported = (module as { default?: unknown; plugin?: unknown }).default ?? (module as { plugin?: unknown }).plugin ?? module;
  // A module may export a factory `() => definePlugin({...})`.
  const candidate = typeof exported === 'function' && !isPluginDefinition(exported) ? (exported as () => unknown)() : exported;
  assertPluginDefinition(candidate, `${declaredAt} ("${reference}")`);
  return candidate;
}
