/**
 * `moltbot config suggest [--production]`: the deployment guide's performance presets
 * (suggestPerformanceConfig) as a config fragment that passes the root schema, with the secure
 * defaults the audit expects (password from the environment, loopback, sandbox non-main).
 */
import type { Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';

export function suggestConfig(production: boolean): Record<string, unknown> {
  return {
    gateway: {
      bind: 'loopback',
      auth: { mode: 'password', password: '${CLAWDBOT_GATEWAY_PASSWORD}' },
      maxConnections: production ? 100 : 10,
      requestTimeout: 30_000,
      rateLimiting: { enabled: production, requestsPerMinute: production ? 1000 : 100, burstSize: production ? 100 : 10 },
    },
    agents: {
      defaults: { sandbox: { mode: 'non-main' } },
      maxConcurrentRuns: production ? 5 : 2,
      sessionCacheSize: production ? 100 : 10,
      memoryLimit: production ? 1024 : 512,
    },
    metrics: { enabled: true, public: false },
    alerts: { checkInterval: 60_000, sinks: production ? ['console', 'file'] : ['console'] },
  };
}

/** Adds `suggest` under the core `config` command (or creates `config` when run standalone). */
export function registerSuggestCommand(program: Command, cli: CliContext): void {
  const config = program.commands.find((command) => command.name() === 'config') ?? program.command('config');
  config
    .command('suggest')
    .description('print the performance preset of the deployment guide as config (JSON)')
    .option('--production', 'the production preset (default: development)')
    .action((options: { production?: boolean }) => {
      cli.print(JSON.stringify(suggestConfig(options.production === true), null, 2));
    });
}
