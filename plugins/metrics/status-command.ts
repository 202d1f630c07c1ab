/**
 * `moltbot status [--json] [--url <ws-url>]`: asks the running gateway for RPC `metrics` and
 * prints them (client: moltbot/plugin-sdk/gateway).
 */
import type { Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import { callGateway, cliCredential, gatewayUrl } from '../../sdk/gateway/index.ts';
import type { MetricsSnapshot } from '../../sdk/ops/index.ts';

type Config = Readonly<Record<string, any>>;

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const rate = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB/s` : `${(bytes / 1024).toFixed(1)} KiB/s`);

export function formatStatus(m: MetricsSnapshot): string {
  return [
    `gateway  up ${Math.round(m.gateway.uptime)} s, ${m.gateway.activeConnections} connection${m.gateway.activeConnections === 1 ? '' : 's'}, ${m.gateway.requestsPerSecond.toFixed(2)} req/s, errors ${pct(m.gateway.errorRate)}`,
    `agents   ${m.agents.activeSessions} active session${m.agents.activeSessions === 1 ? '' : 's'}, model calls ${Math.round(m.agents.averageResponseTime)} ms avg / ${Math.round(m.agents.p95ResponseTime)} ms p95, tokens ${m.agents.tokenUsage.input} in / ${m.agents.tokenUsage.output} out`,
    `system   cpu ${pct(m.system.cpuUsage)}, memory ${pct(m.system.memoryUsage)}, disk ${pct(m.system.diskUsage)}, network ${m.system.networkIO ? `${rate(m.system.networkIO.in)} in / ${rate(m.system.networkIO.out)} out` : 'not measured on this platform'}, event-loop p99 ${Math.round(m.system.eventLoopDelay)} ms`,
  ].join('\n');
}

export function registerStatusCommand(program: Command, cli: CliContext, config: Config, stateDir: string): void {
  program
    .command('status')
    .description('metrics of the running gateway (RPC `metrics`)')
    .option('--json', 'print the metrics as JSON')
    .option('--url <url>', 'gateway WebSocket URL (default: from gateway.port and gateway.bind)')
    .action(async (options: { json?: boolean; url?: string }) => {
      const credential = await cliCredential(config, stateDir);
      const metrics = (await callGateway(options.url ?? gatewayUrl(config), credential, 'metrics')) as MetricsSnapshot;
      cli.print(options.json ? JSON.stringify(metrics, null, 2) : formatStatus(metrics));
    });
}
