/**
 * Config for the dashboard (admin scope): `config.get` is the effective config with every
 * secret masked (the root schema's and each loaded plugin's own, at its options' position) (the masking `moltbot config print` uses, then the log redactor's pass over
 * the result, as the doctor bundle does: a secret value repeated in another field, a URL
 * with a password, a key-shaped string are masked too), `config.validate` checks an edited
 * config against the root schema and the sections loaded plugins own (config-check.ts) without
 * applying anything and answers each problem with its path. Neither ever echoes a secret value.
 */
import type { PluginContext } from '../../sdk/core/index.ts';
import { createRedactor } from '../../sdk/core/index.ts';
import { defineMethod } from '../../sdk/gateway/index.ts';
import { checkConfig } from './config-check.ts';
import * as validators from '../../schemas/generated/control-ui.method-params.validate.ts';
import { CONFIG_VALIDATE, NO_PARAMS } from './method-params.ts';

/** Plugin entries as names: inline plugin objects are code, not config. */
function pluginNames(entries: unknown): unknown[] {
  if (!Array.isArray(entries)) return [];
  const name = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'object' && value !== null && 'name' in value ? `<plugin object ${String((value as { name: unknown }).name)}>` : '(inline plugin)');
  return entries.map((entry) => (Array.isArray(entry) ? [name(entry[0]), entry[1]] : name(entry)));
}

export function defineConfigMethods(ctx: Pick<PluginContext, 'name' | 'hooks' | 'config' | 'secrets' | 'plugins'>): void {
  defineMethod(ctx, {
    name: 'config.get',
    scope: 'admin',
    description: 'The effective config (files, env overrides, ${VAR}s resolved) with secrets masked',
    params: NO_PARAMS,
    validate: validators.NO_PARAMS,
    handler: () => {
      // Masked before the plugin entries are rewritten: each plugin's schema applies at its own position.
      const secrets = ctx.secrets.values(ctx.config);
      const masked = ctx.secrets.mask({ ...ctx.config, plugins: pluginNames(ctx.config.plugins) });
      return { config: JSON.parse(createRedactor({ values: () => secrets }).scrubJsonLine(JSON.stringify(masked))) as unknown };
    },
  });
  defineMethod<{ config: Record<string, unknown> }>(ctx, {
    name: 'config.validate',
    scope: 'admin',
    sideEffects: false,
    description: 'Validates a config object against the root schema and the schemas of the sections loaded plugins own, without applying it; answers {ok, issues:[{path, message}]}',
    params: CONFIG_VALIDATE,
    validate: validators.CONFIG_VALIDATE,
    handler: (params) => {
      const issues = checkConfig(params.config, ctx.plugins());
      return { ok: issues.length === 0, issues };
    },
  });
}
