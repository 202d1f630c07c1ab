/**
 * A plugin's options and sections as the kernel checks them at load: its defaults merged under
 * the options the config wrote, then its validator (the precompiled one it ships, else its
 * schema compiled); each section it has a `sectionSchemas` entry for, on a copy. The control
 * UI's `config.validate` checks an edited config with the same functions.
 */
import { mergeConfig } from '../config/index.ts';
import { compileSchema, type Validator } from './compile.ts';
import { validateWith, type ValidationResult } from './index.ts';

export interface OptionsSchemaOwner {
  name: string;
  schema?: object;
  validate?: Validator;
  defaults?: object;
}

export function checkPluginOptions(plugin: OptionsSchemaOwner, options: object | undefined, heading: string, basePath: string): { options: Record<string, unknown>; result: ValidationResult } {
  const merged = mergeConfig((plugin.defaults ?? {}) as Record<string, unknown>, options as Record<string, unknown> | undefined);
  const validator = plugin.validate ?? (plugin.schema ? compileSchema(plugin.schema) : undefined);
  return { options: merged, result: validator === undefined ? { ok: true } : validateWith(validator, merged, heading, basePath) };
}

export interface SectionsOwner {
  name: string;
  sectionSchemas?: Readonly<Record<string, object>>;
}

/** A section the plugin has a schema for and the config holds, and the verdict on it. */
export interface CheckedSection {
  section: string;
  path: string[];
  schema: object;
  value: unknown;
  result: ValidationResult;
}

/**
 * Every section the plugin has a schema for and `config` holds (absent ones skipped), each
 * validated on a copy: defaults the schema names never change what the plugin reads.
 */
export function checkPluginSections(plugin: SectionsOwner, config: Readonly<Record<string, unknown>>, where: string): CheckedSection[] {
  const checked: CheckedSection[] = [];
  for (const [section, schema] of Object.entries(plugin.sectionSchemas ?? {})) {
    const path = section.split('.');
    const value = path.reduce<unknown>((node, key) => (typeof node === 'object' && node !== null && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined), config);
    if (value === undefined) continue;
    const result = validateWith(compileSchema(schema), structuredClone(value), `Invalid "${section}" in ${where} (read by plugin "${plugin.name}")`, section);
    checked.push({ section, path, schema, value, result });
  }
  return checked;
}
