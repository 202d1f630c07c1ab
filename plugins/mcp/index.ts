/**
 * `mcp`: the MCP client. Each server of `mcp.servers` (stdio child or streamable HTTP) is a
 * supervised connection whose tools join the agent's registry as `mcp__<server>__<tool>`;
 * results reach the model as marked untrusted text. Loaded by a present `mcp.servers` section.
 * See README.md beside this file.
 */
import schema from '../../schemas/plugins/mcp.json' with { type: 'json' };
import { ROOT_CONFIG_SCHEMA as rootSchema } from '../../sdk/config/index.ts';
import validate from '../../schemas/generated/mcp.validate.ts';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { definePlugin, createServiceRef } from '../../sdk/core/index.ts';
import { collectSecretValues } from '../../sdk/core/index.ts';
import { gatewayServiceRef } from '../../sdk/gateway/index.ts';
import { toolRegistryRef } from '../../sdk/agent/index.ts';
import { registerMcpCommands } from './cli.ts';
import { checkServers } from './doctor.ts';
import { McpManager } from './manager.ts';
import { resolveServers, type McpOptions, type McpServerConfig } from './settings.ts';

/** Connected MCP servers and their tools. */
export const mcpServiceRef = createServiceRef<McpService>({ id: 'mcp', description: 'Connected MCP servers and their tools' });

export type { McpOptions, ServerSpec } from './settings.ts';
export type { ServerStats } from './connection.ts';

export interface McpService {
  stats(): Record<string, import('./connection.ts').ServerStats>;
  /** Resolves when every server connected or failed once (or after `timeoutMs`). */
  settled(timeoutMs?: number): Promise<void>;
  /** Child pids of the running stdio servers. */
  pids(): Record<string, number>;
}

export default definePlugin<McpOptions>({
  name: 'mcp',
  version: '1.0.0',
  provides: [mcpServiceRef],
  kernel: '^1.0.0',
  description: 'MCP client: tools of Model Context Protocol servers (stdio, streamable HTTP), supervised',
  sections: ['mcp.servers'],
  schema,
  validate,
  defaults: {
    callTimeoutMs: 60_000, maxResultBytes: 65_536, connectTimeoutMs: 20_000, maxStderrLineBytes: 2000,
    backoff: { initialMs: 500, maxMs: 30_000 },
    breaker: { threshold: 5, windowMs: 300_000, cooldownMs: 600_000 },
  },
  // The agent provides the tools registry; tool-policy decides per session who may call them.
  optionalDependencies: ['agent', 'gateway', 'alerts'],
  setup(ctx, options) {
    const specs = resolveServers(ctx.config, options, [ctx.paths.workspace, ctx.paths.stateDir].find((dir) => existsSync(dir)) ?? homedir());
    const disabled = Object.entries((ctx.config['mcp'] as { servers?: Record<string, McpServerConfig> } | undefined)?.servers ?? {}).filter(([, s]) => s.enabled === false).map(([name]) => name);
    const log = ctx.log;
    let manager: McpManager | undefined;
    const health = (server: string, status: 'ok' | 'degraded', detail: string): void => {
      try {
        ctx.use(gatewayServiceRef).health.report(`mcp:${server}`, status, { detail });
      } catch {
        // No gateway (embedded, CLI): health is still in doctor and metrics.
      }
    };
    ctx.hooks.start.tapPromise(ctx.name, async () => {
      manager = new McpManager(specs, options, {
        log,
        registry: () => ctx.useOptional(toolRegistryRef),
        alert: (alert) => {
          ctx.hooks.alert.promise(alert).catch((error: unknown) => log.error({ err: error }, 'mcp alert delivery failed'));
        },
        health,
      });
      for (const spec of specs) health(spec.name, 'degraded', 'connecting');
      manager.start();
      // Servers connect in the background: a slow or broken one never holds the gateway back.
    });
    // A process that exits without close() still takes its children's process groups along.
    const onExit = () => manager?.killNow();
    process.on('exit', onExit);
    ctx.onClose(async () => {
      process.off('exit', onExit);
      await manager?.close();
    });
    ctx.provide(mcpServiceRef, {
      stats: () => manager?.stats() ?? {},
      settled: async (timeoutMs = options.connectTimeoutMs + 2000) => manager?.settled(timeoutMs),
      pids: () => Object.fromEntries((manager?.connections ?? []).filter((c) => c.stats.pid !== undefined).map((c) => [c.spec.name, c.stats.pid!])),
    });
    ctx.hooks.collectMetrics.tap(ctx.name, (collector) => {
      for (const [server, s] of Object.entries(manager?.stats() ?? {})) {
        const labels = { server };
        collector.set('up', s.state === 'ready' ? 1 : 0, labels);
        collector.set('tools', s.tools, labels);
        collector.set('calls', s.calls, labels);
        collector.set('errors', s.errors, labels);
        collector.set('timeouts', s.timeouts, labels);
        collector.set('restarts', s.restarts, labels);
        collector.set('circuit_open', s.state === 'circuit-open' ? 1 : 0, labels);
      }
    });
    ctx.hooks.diagnose.tapPromise(ctx.name, (report) => checkServers(report, { manager, specs, options, log }));
    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => registerMcpCommands(program, cli, {
      servers: () => specs, disabled: () => disabled, options, log,
      secrets: () => collectSecretValues(ctx.config, rootSchema),
    }));
  },
});
