/**
 * `moltbot gateway [--port <n>] [--bind <mode>]` (with the global `--verbose`): starts every
 * plugin, prints where the gateway listens, and runs until SIGTERM/SIGINT closed the kernel;
 * the CLI then exits 0. `--port` beats CLAWDBOT_GATEWAY_PORT, which beats gateway.port.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import type { GatewayService } from '../../sdk/gateway/index.ts';
import type { BindMode } from './settings.ts';

const BIND_MODES: readonly BindMode[] = ['loopback', 'lan', 'tailnet', 'custom'];

export function parsePort(value: string): number {
  const port = /^[0-9]{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 picks a free port)');
  return port;
}

export function parseBind(value: string): BindMode {
  if (!(BIND_MODES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${BIND_MODES.join(', ')}`);
  return value as BindMode;
}

/** The daemon plugin's installer, when that plugin is loaded. */
export type DaemonInstaller = () => Promise<{ file: string }>;

export function registerGatewayCommand(program: Command, cli: CliContext, gateway: GatewayService, installDaemon?: () => DaemonInstaller | undefined): void {
  program
    .command('gateway')
    .description('run the gateway (WebSocket RPC and HTTP on one port) until SIGTERM/SIGINT')
    .option('-p, --port <port>', 'port to listen on, 0 for any free port (default: CLAWDBOT_GATEWAY_PORT, gateway.port, 18789)', parsePort)
    .option('-b, --bind <mode>', `where to listen: ${BIND_MODES.join(' | ')} (default: gateway.bind, loopback)`, parseBind)
    .option('--install-daemon', 'install the gateway as a user service (systemd/launchd) that starts it now and at login, instead of running it here')
    .addHelpText('after', '\nThe global options apply too: --verbose (debug logging), --config <file>.')
    .action(async (options: { port?: number; bind?: BindMode; installDaemon?: boolean }) => {
      if (options.installDaemon) {
        const install = installDaemon?.();
        if (!install) {
          cli.warn('--install-daemon needs the "daemon" plugin (in the embedded preset); add it to `plugins`');
          cli.setExitCode(2);
          return;
        }
        cli.print(`service installed: ${(await install()).file}`);
        return;
      }
      gateway.listenOn({ ...(options.port !== undefined ? { port: options.port } : {}), ...(options.bind !== undefined ? { bind: options.bind } : {}) });
      await cli.start();
      const where = gateway.address();
      if (where !== undefined) cli.print(`moltbot gateway listening on ${where.url} (http: ${where.httpUrl}, pid ${process.pid})`);
      await cli.closed();
    });
}
