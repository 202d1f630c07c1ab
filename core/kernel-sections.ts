/**
 * Config sections and the plugins that read them. A setting nothing reads is worse than an
 * error: `config validate` says OK and nothing happens. So the kernel checks two things once
 * the plugins are known: every path of `KernelOptions.sections` that is present has a loaded
 * reader (or loads one), and every root key the root schema does not know is declared in the
 * `sections` of a loaded (third-party) plugin. The kernel knows no section by name; the app
 * catalogue passes Moltbot's own.
 */
import rootSchema from '../schemas/moltbot.config.json' with { type: 'json' };
import { assertNoPrototypeKeys, deepFreeze } from './config/index.ts';
import { MoltbotError } from './errors.ts';
import type { ConfigSection } from './kernel-types.ts';
import type { AnyPlugin } from './plugin.ts';
import { validateWith } from './validate/index.ts';
import { validateRootConfig } from './validate/precompiled.ts';

const ROOT_KEYS: ReadonlySet<string> = new Set(Object.keys(rootSchema.properties));

/** The config without the root keys the root schema does not know, and those keys apart. */
export function splitUnknownRootKeys(config: Record<string, unknown>, label: string): { known: Record<string, unknown>; extra: Record<string, unknown> } {
  const known: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) (ROOT_KEYS.has(key) ? known : extra)[key] = value;
  assertNoPrototypeKeys(extra, label);
  return { known, extra };
}

/**
 * The config as written, before validation inserts the schema's defaults (`logging.format`
 * "json", `agents.memoryLimit` 1024): a section counts as present only where the user wrote it.
 * Copies plain objects and arrays; anything else (a plugin object in `plugins`) is kept as is.
 */
export function writtenCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => writtenCopy(item)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, writtenCopy(item)])) as T;
}

/**
 * `written` without the leaves environment variables set (`CLAWDBOT_AGENT_MODEL` sets
 * `agent.model` for every command of a container): a deployment-wide variable is not a section
 * the config asks a plugin for.
 */
export function withoutEnvPaths(written: Record<string, any>, paths: readonly string[]): void {
  for (const path of paths) {
    const keys = path.split('.');
    const last = keys.pop()!;
    let parent: unknown = written;
    for (const key of keys) parent = typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>)[key] : undefined;
    if (typeof parent === 'object' && parent !== null) delete (parent as Record<string, unknown>)[last];
  }
}

/** The validated config with the (still unchecked) unknown root keys put back, frozen. */
export function withExtraKeys(config: Readonly<Record<string, any>>, extra: Record<string, unknown>): Readonly<Record<string, any>> {
  if (Object.keys(extra).length === 0) return config;
  return Object.freeze({ ...config, ...deepFreeze(extra) });
}

/**
 * Whether a loaded plugin declares exactly `path` in its `sections` (declaring `gateway` does not
 * serve `gateway.tailscale`: that path has a plugin of its own).
 */
function declaredBy(plugins: readonly AnyPlugin[], path: string): boolean {
  return plugins.some((plugin) => (plugin.sections ?? []).includes(path));
}

/**
 * Each unknown root key must be some loaded plugin's section; the first that is not fails with
 * the root schema's own message (so a typo still gets its "did you mean").
 */
export function assertRootKeysClaimed(config: Readonly<Record<string, any>>, plugins: readonly AnyPlugin[], label: string, file: string | undefined): void {
  for (const key of Object.keys(config)) {
    if (ROOT_KEYS.has(key) || plugins.some((plugin) => (plugin.sections ?? []).some((section) => section.split('.')[0] === key))) continue;
    const result = validateWith(validateRootConfig, { [key]: config[key] }, `Invalid config at ${label}:`);
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: result.ok ? `Invalid config at ${label}: ${key} is not a known key` : result.message,
      path: key,
      ...(file ? { file } : {}),
      fix: `No loaded plugin reads "${key}": if a plugin owns this section, add it to \`plugins\` (a plugin declares the root keys it reads in its \`sections\`); otherwise fix or remove the key.`,
    });
  }
}

function valueAt(config: Readonly<Record<string, any>>, path: string): unknown {
  let value: unknown = config;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * The plugins the present sections of `written` (the config as written, see writtenCopy) still
 * need, each with the path that needs it (first path wins). A path is served by a loaded plugin
 * it is for, or by one declaring it in `sections`. Otherwise: under `preset: "none"` (exactly the
 * listed plugins) or for a path several plugins could serve, a loaded reader makes it fine and
 * no reader is an error naming the plugin to add; with a preset its plugin is loaded; without
 * one (an embedding kernel) it is loaded unless a reader is.
 */
export function pluginsForSections(
  written: Readonly<Record<string, any>>,
  sections: readonly ConfigSection[],
  loaded: readonly AnyPlugin[],
  options: { withPreset: boolean; file: string | undefined },
): { name: string; path: string }[] {
  const names = new Set(loaded.map((plugin) => plugin.name));
  const needed: { name: string; path: string }[] = [];
  const presetNone = written['preset'] === 'none';
  for (const section of sections) {
    const value = valueAt(written, section.path);
    if (value === undefined || (section.needed !== undefined && !section.needed(value))) continue;
    if (section.plugins.some((name) => names.has(name)) || declaredBy(loaded, section.path)) continue;
    const read = (section.readers ?? []).some((name) => names.has(name));
    const [first] = section.plugins;
    const mayLoad = first !== undefined && section.implies !== false && !presetNone;
    if (mayLoad && (options.withPreset || !read)) {
      names.add(first);
      needed.push({ name: first, path: section.path });
      continue;
    }
    if (read) continue;
    throw unreadSection(section, presetNone, options.file);
  }
  return needed;
}

function unreadSection(section: ConfigSection, presetNone: boolean, file: string | undefined): MoltbotError {
  const [first] = section.plugins;
  const which = section.plugins.map((name) => `"${name}"`).join(', ');
  return new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
    message: section.plugins.length === 1
      ? `Invalid config: ${section.path} is read by the ${which} plugin, which is not loaded${presetNone ? ' (preset "none" loads only the plugins listed in `plugins`)' : ''}, so it would be ignored`
      : `Invalid config: ${section.path} is read by the plugins ${which}, none of which is loaded, so it would be ignored`,
    path: section.path,
    ...(file ? { file } : {}),
    fix: section.plugins.length === 1
      ? `Add "${first}" to \`plugins\` (e.g. "plugins": ["${first}"]), or remove ${section.path}.`
      : `Add the one you use (${which}) to \`plugins\`, or remove ${section.path}.`,
  });
}
