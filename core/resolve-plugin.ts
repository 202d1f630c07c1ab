/**
 * Turns a `plugins` entry (first-party name, package name, path, plugin object, or any of
 * those paired with options) into a plugin record. Everything that can be decided without
 * running plugin code is decided first: the policy, the safety of local paths, and the
 * `moltbot-plugin.json` manifest (name, version, kernel range) found beside the entry.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
// Only the functions used: the package's index loads all of semver (47 modules, at every start).
import satisfies from 'semver/functions/satisfies.js';
import valid from 'semver/functions/valid.js';
import validRange from 'semver/ranges/valid.js';
import { MoltbotError } from './errors.ts';
import { assertPluginDefinition, isPluginDefinition, type AnyPlugin } from './plugin.ts';
import type { PluginOrigin, PluginRecord } from './registry.ts';
import { KERNEL_VERSION } from './version.ts';

export type PluginReference = string | AnyPlugin;
export type PluginEntry = PluginReference | readonly [PluginReference, object?];

/** First-party plugins by name, each loaded only when used. */
export type PluginCatalogue = Readonly<Record<string, () => Promise<unknown>>>;

/** Root config key `pluginPolicy`; an entry matches a plugin's name, the reference as written or its package name. */
export interface PluginPolicy {
  /** When non-empty, only these package and path plugins may load (first-party ones ship with moltbot). */
  allow?: readonly string[];
  /** Never loaded, whatever their origin; wins over `allow`. */
  deny?: readonly string[];
}

export interface ResolveOptions {
  /** Relative paths resolve from here (the config file's folder, else the cwd). */
  baseDir: string;
  catalogue: PluginCatalogue;
  policy?: PluginPolicy;
}

export const MANIFEST_FILE = 'moltbot-plugin.json';
export const PACKAGE_PREFIX = 'moltbot-plugin-';

/** `moltbot-plugin.json`: what a plugin is, readable without executing it. */
export interface PluginManifest {
  name: string;
  version: string;
  description?: string;
  /** semver range of kernels the plugin works with. */
  kernel?: string;
  /** The module to load, relative to the manifest (used when a folder is referenced). */
  entry: string;
  /** JSON Schema file of the options, relative to the manifest. */
  options?: string;
}

export interface LocatedPlugin {
  reference: string;
  origin: Exclude<PluginOrigin, 'inline'>;
  /** Absolute path of the module (absent for first-party plugins, which load from the catalogue). */
  entryFile?: string;
  /** The installed package name, for package plugins. */
  packageName?: string;
  manifest?: PluginManifest;
  manifestFile?: string;
  /** The options schema the manifest points at, parsed. */
  optionsSchema?: object;
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
    checkDeny(options.policy, [reference.name], reference.name, declaredAt);
    return { plugin: reference, options: pluginOptions ?? {}, origin: 'inline', declaredAt };
  }
  const located = locatePlugin(reference, declaredAt, options);
  const module = await importLocated(located, declaredAt, options);
  const plugin = pluginFromModule(module, reference, declaredAt);
  // Without a manifest the name is known only now; deny still applies before setup runs.
  checkDeny(options.policy, namesOf(located, [plugin.name]), reference, declaredAt);
  if (located.manifest && located.manifest.name !== plugin.name) {
    throw new MoltbotError('MOLT_ERR_PLUGIN_MANIFEST_INVALID', {
      message: `Plugin "${reference}" (${declaredAt}): ${located.manifestFile} names "${located.manifest.name}" but the module defines "${plugin.name}"`,
      path: declaredAt,
      fix: `Make "name" in ${MANIFEST_FILE} and in definePlugin() the same.`,
    });
  }
  return { plugin, options: pluginOptions ?? {}, origin: located.origin, declaredAt, specifier: reference };
}

/**
 * Finds a plugin and reads its manifest without importing it: policy (by reference, then by
 * manifest name), local-path safety and the manifest's kernel range are checked here.
 */
export function locatePlugin(reference: string, declaredAt: string, options: ResolveOptions): LocatedPlugin {
  checkDeny(options.policy, [reference], reference, declaredAt);
  if (options.catalogue[reference]) return { reference, origin: 'first-party' };
  const located = isPathReference(reference) ? locatePath(reference, declaredAt, options.baseDir) : locatePackage(reference, declaredAt, options);
  checkDeny(options.policy, namesOf(located), reference, declaredAt);
  checkAllow(options.policy, located, declaredAt);
  if (located.manifest) checkKernelRange(located.manifest, declaredAt);
  return located;
}

/** `x` → `moltbot-plugin-x`, then `x`; `@s/x` → `@s/moltbot-plugin-x`, then `@s/x`; full names stay. */
export function packageNamesFor(reference: string): string[] {
  const scoped = /^(@[^/]+)\/(.+)$/.exec(reference);
  const [scope, bare] = scoped ? [`${scoped[1]}/`, scoped[2]!] : ['', reference];
  if (bare.startsWith(PACKAGE_PREFIX)) return [reference];
  return [`${scope}${PACKAGE_PREFIX}${bare}`, reference];
}

/** Reads and checks `moltbot-plugin.json` (no plugin code runs). */
export function readManifest(file: string): PluginManifest {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw manifestError(file, `cannot be read as JSON (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw manifestError(file, 'must be a JSON object');
  const manifest = data as Record<string, unknown>;
  for (const key of ['name', 'version', 'entry'] as const) {
    if (typeof manifest[key] !== 'string' || manifest[key] === '') throw manifestError(file, `"${key}" must be a non-empty string`);
  }
  for (const key of ['description', 'kernel', 'options'] as const) {
    if (manifest[key] !== undefined && typeof manifest[key] !== 'string') throw manifestError(file, `"${key}" must be a string`);
  }
  if (valid(manifest.version as string) === null) throw manifestError(file, `"version" must be a semver version (got ${JSON.stringify(manifest.version)})`);
  if (manifest.kernel !== undefined && validRange(manifest.kernel as string) === null) {
    throw manifestError(file, `"kernel" must be a semver range (got ${JSON.stringify(manifest.kernel)})`);
  }
  return manifest as unknown as PluginManifest;
}

function manifestError(file: string, problem: string): MoltbotError {
  return new MoltbotError('MOLT_ERR_PLUGIN_MANIFEST_INVALID', {
    message: `Plugin manifest ${file}: ${problem}`,
    file,
    fix: `Write ${MANIFEST_FILE} as { "name", "version", "kernel", "entry", "options" } (see docs/plugins.md).`,
  });
}

/** A plugin named by file path (`./x.ts`, `/abs/x.js`, `file:…`), not by first-party or package name. */
export function isPathReference(reference: string): boolean {
  return reference.startsWith('.') || isAbsolute(reference) || reference.startsWith('file:');
}

function locatePath(reference: string, declaredAt: string, baseDir: string): LocatedPlugin {
  const path = reference.startsWith('file:') ? fileURLToPath(reference) : resolve(baseDir, reference);
  if (!existsSync(path)) {
    throw new MoltbotError('MOLT_ERR_PLUGIN_NOT_FOUND', {
      message: `Plugin file ${path} (from ${declaredAt}: "${reference}") does not exist`,
      path: declaredAt,
    });
  }
  let entryFile = path;
  let found: FoundManifest | undefined;
  if (statSync(path).isDirectory()) {
    found = findManifest(path, false);
    if (!found) {
      throw new MoltbotError('MOLT_ERR_PLUGIN_NOT_FOUND', {
        message: `Plugin folder ${path} (from ${declaredAt}: "${reference}") has no ${MANIFEST_FILE}`,
        path: declaredAt,
        fix: `Point at the plugin's module file, or add ${MANIFEST_FILE} with an "entry" to the folder.`,
      });
    }
    entryFile = resolve(dirname(found.file), found.manifest.entry);
  } else {
    found = findManifest(dirname(path), false);
  }
  assertSafeLocation(entryFile, declaredAt);
  return { reference, origin: 'path', entryFile, ...withManifest(found) };
}

function locatePackage(reference: string, declaredAt: string, options: ResolveOptions): LocatedPlugin {
  for (const packageName of packageNamesFor(reference)) {
    const entryFile = resolvePackage(packageName, options.baseDir);
    if (entryFile) return { reference, origin: 'package', entryFile, packageName, ...withManifest(findManifest(dirname(entryFile), true)) };
  }
  const known = Object.keys(options.catalogue);
  const tried = packageNamesFor(reference).join(', ');
  throw new MoltbotError('MOLT_ERR_PLUGIN_NOT_FOUND', {
    message: `Plugin "${reference}" (${declaredAt}) is neither a first-party plugin nor an installed package (tried ${tried})`,
    path: declaredAt,
    fix: known.length > 0
      ? `First-party plugins: ${known.join(', ')}. For a package: npm install ${packageNamesFor(reference)[0]}. For a file: start the path with ./`
      : `For a package: npm install ${packageNamesFor(reference)[0]}. For a file: start the path with ./`,
  });
}

interface FoundManifest { file: string; manifest: PluginManifest }

/** The manifest in `dir`; for packages also in a parent up to the package root (dist/index.js → package). */
function findManifest(start: string, upToPackageRoot: boolean): FoundManifest | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, MANIFEST_FILE);
    if (existsSync(file)) return { file, manifest: readManifest(file) };
    if (!upToPackageRoot || existsSync(join(dir, 'package.json')) || dirname(dir) === dir) return undefined;
  }
}

function withManifest(found: FoundManifest | undefined): Pick<LocatedPlugin, 'manifest' | 'manifestFile' | 'optionsSchema'> {
  if (!found) return {};
  const { file, manifest } = found;
  if (manifest.options === undefined) return { manifest, manifestFile: file };
  const schemaFile = resolve(dirname(file), manifest.options);
  let optionsSchema: unknown;
  try {
    optionsSchema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  } catch (cause) {
    throw manifestError(file, `"options" names ${schemaFile}, which cannot be read as JSON (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  if (typeof optionsSchema !== 'object' || optionsSchema === null) throw manifestError(file, `"options" names ${schemaFile}, which is not a JSON Schema object`);
  return { manifest, manifestFile: file, optionsSchema };
}

function checkKernelRange(manifest: PluginManifest, declaredAt: string): void {
  if (manifest.kernel !== undefined && !satisfies(KERNEL_VERSION, manifest.kernel, { includePrerelease: true })) {
    throw new MoltbotError('MOLT_ERR_PLUGIN_KERNEL_RANGE', {
      message: `Plugin "${manifest.name}" requires kernel ${manifest.kernel}, this is ${KERNEL_VERSION} (read from ${MANIFEST_FILE}; its code was not loaded)`,
      plugin: manifest.name,
      path: declaredAt,
    });
  }
}

/**
 * Code anyone else can change must not run with the gateway's rights: refuse an entry that is
 * world-writable, sits in a world-writable folder (sticky ones such as /tmp excepted: others
 * cannot replace what is in them), or is owned by another user (root excepted).
 */
function assertSafeLocation(entryFile: string, declaredAt: string): void {
  const uid = process.getuid?.();
  const refuse = (path: string, problem: string, fix: string) => {
    throw new MoltbotError('MOLT_ERR_PLUGIN_UNSAFE_PATH', {
      message: `Refusing to load local plugin ${entryFile} (${declaredAt}): ${path} ${problem}`,
      path: declaredAt,
      fix,
    });
  };
  const file = statSync(entryFile);
  if (file.mode & 0o002) refuse(entryFile, 'is world-writable', `chmod o-w ${entryFile}`);
  if (uid !== undefined && file.uid !== uid && file.uid !== 0) refuse(entryFile, `is owned by uid ${file.uid}, not by you (uid ${uid})`, `chown ${uid} ${entryFile}, or install the plugin as a package`);
  let first = true;
  for (let dir = dirname(entryFile); ; dir = dirname(dir)) {
    const stat = statSync(dir);
    if (stat.mode & 0o002 && !(stat.mode & 0o1000)) refuse(dir, 'is world-writable', `chmod o-w ${dir}`);
    if (first && uid !== undefined && stat.uid !== uid && stat.uid !== 0) refuse(dir, `is owned by uid ${stat.uid}, not by you (uid ${uid})`, `chown ${uid} ${dir}, or move the plugin into a folder you own`);
    first = false;
    if (dirname(dir) === dir) return;
  }
}

function matches(list: readonly string[] | undefined, names: readonly string[]): string | undefined {
  return list?.find((entry) => names.includes(entry));
}

function namesOf(located: LocatedPlugin, extra: readonly string[] = []): string[] {
  return [located.reference, ...(located.packageName ? [located.packageName] : []), ...(located.manifest ? [located.manifest.name] : []), ...extra];
}

function checkDeny(policy: PluginPolicy | undefined, names: readonly string[], shown: string, declaredAt: string): void {
  const hit = matches(policy?.deny, names);
  if (hit !== undefined) {
    throw new MoltbotError('MOLT_ERR_PLUGIN_DENIED', {
      message: `Plugin "${shown}" (${declaredAt}) is denied by pluginPolicy.deny ("${hit}")`,
      path: declaredAt,
      fix: `Remove it from \`plugins\` (or set \`preset: "none"\` for a preset plugin), or take "${hit}" out of pluginPolicy.deny.`,
    });
  }
}

/** Decided before any code runs, so a plugin without a manifest is allowed by its reference or package name. */
function checkAllow(policy: PluginPolicy | undefined, located: LocatedPlugin, declaredAt: string): void {
  const allow = policy?.allow;
  if (located.origin === 'first-party' || allow === undefined || allow.length === 0) return;
  if (matches(allow, namesOf(located)) === undefined) {
    throw new MoltbotError('MOLT_ERR_PLUGIN_DENIED', {
      message: `Plugin "${located.reference}" (${declaredAt}) is not in pluginPolicy.allow`,
      path: declaredAt,
      fix: `Add "${located.manifest?.name ?? located.reference}" to pluginPolicy.allow, or remove the plugin from \`plugins\`.`,
    });
  }
}

async function importLocated(located: LocatedPlugin, declaredAt: string, options: ResolveOptions): Promise<unknown> {
  if (located.origin === 'first-party') return options.catalogue[located.reference]!();
  try {
    return await import(pathToFileURL(located.entryFile!).href);
  } catch (cause) {
    throw new MoltbotError('MOLT_ERR_PLUGIN_INVALID', {
      message: `Plugin "${located.reference}" (${declaredAt}) failed to load: ${cause instanceof Error ? cause.message : String(cause)}`,
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
