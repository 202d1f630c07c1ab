/**
 * `moltbot status [--json] [--url <ws-url>]`: asks the running gateway for RPC `metrics` and
 * prints them. Address and credential come from the config (gateway.port, bind, auth), as any
 * client would use them; --url points elsewhere.
 */
import type { Command } from 'commander';
import { WebSocket } from 'ws';
import type { CliContext } from '../../core/hook-types.ts';
import { KERNEL_VERSION } from '../../core/version.ts';
import type { MetricsSnapshot } from './snapshot.ts';

type Config = Readonly<Record<string, any>>;

const TIMEOUT_MS = 5000;

export function gatewayUrl(config: Config): string {
  const gateway = config.gateway ?? {};
  const host = gateway.bind === 'custom' && gateway.customBindHost ? gateway.customBindHost : '127.0.0.1';
  const scheme = gateway.ssl?.enabled ? 'wss' : 'ws';
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${gateway.port ?? 18789}/`;
}

/** Connects, authenticates with the configured credential, calls `method`, closes. */
export function callGateway(url: string, auth: Record<string, string>, method: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: TIMEOUT_MS });
    const timer = setTimeout(() => finish(new Error(`no answer from the gateway at ${url} within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    const finish = (error?: Error, value?: unknown) => {
      clearTimeout(timer);
      ws.removeAllListeners('message');
      ws.on('error', () => undefined);
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
      if (error) reject(error);
      else resolve(value);
    };
    ws.on('error', (error) => finish(new Error(`cannot reach the gateway at ${url}: ${error.message} (is \`moltbot gateway\` running?)`)));
    ws.on('open', () => ws.send(JSON.stringify({ type: 'req', id: 'connect', method: 'connect', params: { minProtocol: 1, maxProtocol: 1, client: { id: 'moltbot-cli', version: KERNEL_VERSION }, auth } })));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: string; ok?: boolean; payload?: unknown; error?: { code: string; message: string } };
      if (frame.type !== 'res') return;
      if (!frame.ok) return finish(new Error(`gateway refused ${frame.id === 'connect' ? 'the connection' : method}: ${frame.error?.code} ${frame.error?.message}`));
      if (frame.id === 'connect') ws.send(JSON.stringify({ type: 'req', id: 'call', method }));
      else if (frame.id === 'call') finish(undefined, frame.payload);
    });
  });
}

const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
const rate = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB/s` : `${(bytes / 1024).toFixed(1)} KiB/s`);

export function formatStatus(m: MetricsSnapshot): string {
  return [
    `gateway  up ${Math.round(m.gateway.uptime)} s, ${m.gateway.activeConnections} connection${m.gateway.activeConnections === 1 ? '' : 's'}, ${m.gateway.requestsPerSecond.toFixed(2)} req/s, errors ${pct(m.gateway.errorRate)}`,
    `agents   ${m.agents.activeSessions} active session${m.agents.activeSessions === 1 ? '' : 's'}, model calls ${Math.round(m.agents.averageResponseTime)} ms avg / ${Math.round(m.agents.p95ResponseTime)} ms p95, tokens ${m.agents.tokenUsage.input} in / ${m.agents.tokenUsage.output} out`,
    `system   cpu ${pct(m.system.cpuUsage)}, memory ${pct(m.system.memoryUsage)}, disk ${pct(m.system.diskUsage)}, network ${rate(m.system.networkIO.in)} in / ${rate(m.system.networkIO.out)} out, event-loop p99 ${Math.round(m.system.eventLoopDelay)} ms`,
  ].join('\n');
}

export function registerStatusCommand(program: Command, cli: CliContext, config: Config): void {
  program
    .command('status')
    .description('metrics of the running gateway (RPC `metrics`)')
    .option('--json', 'print the metrics as JSON')
    .option('--url <url>', 'gateway WebSocket URL (default: from gateway.port and gateway.bind)')
    .action(async (options: { json?: boolean; url?: string }) => {
      const auth = config.gateway?.auth ?? {};
      const credential: Record<string, string> = auth.mode === 'token' && auth.token ? { token: auth.token } : auth.password ? { password: auth.password } : {};
      const metrics = (await callGateway(options.url ?? gatewayUrl(config), credential, 'metrics')) as MetricsSnapshot;
      cli.print(options.json ? JSON.stringify(metrics, null, 2) : formatStatus(metrics));
    });
}
