/**
 * The validations the kernel runs before any plugin code: the root config against the
 * (precompiled) root schema, each plugin's options against its own schema, and the sections a
 * plugin owns against its `sectionSchemas`.
 */
import { basename } from 'node:path';
import rootSchema from '../schemas/moltbot.config.json' with { type: 'json' };
import { assertNoPrototypeKeys, deepFreeze } from './config/index.ts';
import { MoltbotError } from './errors.ts';
import type { AnyPlugin } from './plugin.ts';
import type { PluginRecord } from './registry.ts';
import { checkPluginOptions, checkPluginSections } from './validate/plugin-options.ts';
import { collectSecretValues, validateWith } from './validate/index.ts';
import { validateRootConfig } from './validate/precompiled.ts';

export interface ValidatedConfig {
  config: Readonly<Record<string, any>>;
  /** The secret strings the config holds, for the log redactor's literal pass. */
  secretValues: string[];
}

/** `label` names the source in the message: a file path or "the config passed to createKernel()". */
export function validateConfig(config: Record<string, unknown>, label: string, file: string | undefined): ValidatedConfig {
  assertNoPrototypeKeys(config, label);
  const result = validateWith(validateRootConfig, config, `Invalid config at ${label}:`);
  if (!result.ok) {
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: result.message,
      ...(file ? { file } : {}),
      ...(result.issues[0] ? { path: result.issues[0].path } : {}),
    });
  }
  return { secretValues: collectSecretValues(config, rootSchema), config: deepFreeze(config) };
}

/** Where a plugin's options are in the config (`plugins[2].options`, `channels.telegram`); undefined for a preset or register() entry. */
export function configOptionsPath(record: PluginRecord): string | undefined {
  if (record.optionsPath !== undefined) return record.optionsPath;
  return record.declaredAt.startsWith('plugins[') ? `${record.declaredAt}.options` : undefined;
}

/** Defaults merged under the options, validated (precompiled validator first), frozen. */
export function validatePluginOptions(record: PluginRecord, configFile: string | undefined): Readonly<object> {
  const { plugin } = record;
  const optionsPath = configOptionsPath(record);
  const fromConfig = optionsPath !== undefined;
  const where = fromConfig ? `${configFile ? basename(configFile) : 'config'} → ${record.declaredAt}` : record.declaredAt;
  const { options, result } = checkPluginOptions(plugin, record.options as object | undefined, `Invalid options for plugin "${plugin.name}" (${where})`, record.optionsPath ?? 'options');
  if (!result.ok) {
    throw new MoltbotError('MOLT_ERR_PLUGIN_OPTIONS_INVALID', {
      message: result.message,
      plugin: plugin.name,
      path: optionsPath ?? record.declaredAt,
      ...(configFile ? { file: configFile } : {}),
      fix: `Correct the listed options of "${plugin.name}"; \`moltbot plugins info ${plugin.name}\` shows its schema.`,
    });
  }
  return deepFreeze(options);
}

/** A section a plugin declared a schema for, where it sits in the config. */
export interface SectionAt {
  path: string[];
  schema: object;
  value: unknown;
}

/** The plugin's declared section schemas checked against the config (checkPluginSections); the first bad one throws. */
export function validatePluginSections(plugin: AnyPlugin, config: Readonly<Record<string, unknown>>, configFile: string | undefined): SectionAt[] {
  const checked = checkPluginSections(plugin, config, configFile ? basename(configFile) : 'config');
  for (const { section, result } of checked) {
    if (result.ok) continue;
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: result.message,
      plugin: plugin.name,
      path: result.issues[0]?.path ?? section,
      ...(configFile ? { file: configFile } : {}),
      fix: `Correct the listed fields of "${section}"; \`moltbot plugins info ${plugin.name}\` shows the schema of the sections it reads.`,
    });
  }
  return checked.map(({ path, schema, value }) => ({ path, schema, value }));
}
