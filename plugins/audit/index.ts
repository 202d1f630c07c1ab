/**
 * `audit`: the security audit. Its own checks (config, secrets in config files, file
 * permissions) tap the kernel's `audit` hook like any plugin's; `moltbot security audit`
 * runs them all. Check ids are stable (see README.md).
 */
import { join } from 'node:path';
import schema from '../../schemas/plugins/audit.json' with { type: 'json' };
import validateOptions from '../../schemas/generated/audit.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { registerAuditCommand } from './cli.ts';
import { configChecks } from './config-checks.ts';
import { fsChecks } from '../../sdk/reports/index.ts';
import { secretChecks } from './secret-checks.ts';
import { registerSuggestCommand } from './suggest.ts';

export { runAudit, applyFixes } from './cli.ts';
export { configChecks } from './config-checks.ts';
export { fsChecks, looseEntries } from '../../sdk/reports/index.ts';
export { secretChecks, literalSecrets, secretPaths } from './secret-checks.ts';
export type { CollectedReport, Finding } from '../../sdk/reports/index.ts';
export { suggestConfig } from './suggest.ts';

const SEED_FILE = 'clawdbot.json';

export default definePlugin({
  name: 'audit',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Security audit: risky config, secrets in config files, loose file permissions; `moltbot security audit`',
  schema,
  validate: validateOptions,
  setup(ctx) {
    const configFiles = [ctx.paths.configFile, join(ctx.paths.stateDir, SEED_FILE)].filter((file): file is string => file !== undefined);
    ctx.hooks.audit.tapPromise(ctx.name, async (report) => {
      // First-party as the kernel resolved them (from the host's catalogue), not by importing it.
      const isFirstParty = (reference: string) => ctx.plugins().some((plugin) => plugin.name === reference && plugin.origin === 'first-party');
      for (const check of [...configChecks(ctx.config, { isFirstParty }), ...secretChecks(configFiles), ...fsChecks(ctx.paths.stateDir, configFiles)]) report.add(check);
    });
    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => {
      registerAuditCommand(program, cli, ctx.hooks);
      registerSuggestCommand(program, cli);
    });
  },
});
