/**
 * A plugin's options as the kernel takes them at load: its defaults merged under what the
 * config wrote, then its validator (the precompiled one it ships, else its schema compiled).
 * The control UI's `config.validate` checks an edited config with the same function.
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
