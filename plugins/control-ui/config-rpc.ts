/**
 * Config for the dashboard (admin scope): `config.get` is the effective config with every secret
 * masked (config-view.ts), `config.validate` checks an edited copy as `moltbot config validate`
 * would, without applying anything: first the root schema and the sections and options of the
 * loaded plugins (config-check.ts, every schema problem with its path), then, with the masked
 * values put back from the running config, a throwaway kernel's load and every plugin's own
 * `check` (`ctx.checkConfig`: a tool-policy entry naming no tool, a bind that needs auth). Neither
 * ever echoes a secret value.
 */
import type { PluginContext } from '../../sdk/core/index.ts';
import { isMoltbotError } from '../../sdk/core/index.ts';
import { defineMethod } from '../../sdk/gateway/index.ts';
import { checkConfig, type ConfigIssue } from './config-check.ts';
import { configView } from './config-view.ts';
import * as validators from '../../schemas/generated/control-ui.method-params.validate.ts';
import { CONFIG_VALIDATE, NO_PARAMS } from './method-params.ts';

/** A problem of the kernel's checks as an issue: its config path, its message, its fix; secrets scrubbed. */
function issueOf(problem: Error, scrub: (text: string) => string): ConfigIssue {
  const message = scrub(problem.message);
  if (!isMoltbotError(problem)) return { path: '', message };
  return { path: problem.path ?? '', message, description: scrub(`fix: ${problem.fix}`) };
}

export function defineConfigMethods(ctx: Pick<PluginContext, 'name' | 'hooks' | 'config' | 'secrets' | 'plugins' | 'checkConfig'>): void {
  const view = configView(ctx);
  defineMethod(ctx, {
    name: 'config.get',
    scope: 'admin',
    description: 'The effective config (files, env overrides, ${VAR}s resolved) with secrets masked',
    params: NO_PARAMS,
    validate: validators.NO_PARAMS,
    handler: () => ({ config: view.shown() }),
  });
  defineMethod<{ config: Record<string, unknown> }>(ctx, {
    name: 'config.validate',
    scope: 'admin',
    sideEffects: false,
    description: 'Checks an edited copy of config.get\'s config as `moltbot config validate` would (schemas, then every plugin\'s own check, masked values taken from the running config), without applying it; answers {ok, issues:[{path, message, description?}]}',
    params: CONFIG_VALIDATE,
    validate: validators.CONFIG_VALIDATE,
    handler: async (params) => {
      // What the page shows masked is what runs: a URL with its password masked is no URI.
      const candidate = view.restored(params.config);
      const scrub = view.scrubberFor(candidate);
      const schemaIssues = checkConfig(view.asData(candidate), ctx.plugins());
      if (schemaIssues.length > 0) {
        return { ok: false, issues: schemaIssues.map((issue) => ({ ...issue, message: scrub(issue.message), ...(issue.description !== undefined ? { description: scrub(issue.description) } : {}) })) };
      }
      const issues = (await ctx.checkConfig(candidate)).map((problem) => issueOf(problem, scrub));
      return { ok: issues.length === 0, issues };
    },
  });
}
