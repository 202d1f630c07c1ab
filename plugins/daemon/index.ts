/**
 * `daemon`: runs the gateway as a user service (systemd user unit on Linux, launchd agent on
 * macOS) that restarts on failure but not after a config error (exit 78).
 * `moltbot daemon install|status|uninstall`; the `daemon` service serves `onboard --install-daemon`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE } from '../../sdk/core/index.ts';
import type { Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { daemonServiceRef, spawnRunner, type CommandRunner, type DaemonService } from '../../sdk/ops/index.ts';
import { createDaemonService, type DaemonPlatform } from './service.ts';

// The contract lives in the SDK (`moltbot/plugin-sdk/ops`); re-exported for this plugin's users.
export { daemonServiceRef } from '../../sdk/ops/index.ts';
export type { CommandRunner, DaemonService, DaemonStatus } from '../../sdk/ops/index.ts';
export { renderLaunchdPlist, renderSystemdUnit } from './render.ts';

// From the package root: a path relative to this module would differ under dist/.
const BIN = join(PACKAGE.root, 'bin', 'moltbot.js');

export interface DaemonPluginOptions {
  /** Tests inject these; by default the real platform and `spawn`. */
  platform?: DaemonPlatform;
  run?: CommandRunner;
  home?: string;
}

/** A plugin factory so tests can inject the platform and command runner. */
export function createDaemonPlugin(inject: DaemonPluginOptions = {}) {
  return definePlugin({
    name: 'daemon',
    version: '1.0.0',
    kernel: '^1.0.0',
    description: 'Run the gateway as a systemd user unit or launchd agent; `moltbot daemon install|status|uninstall`',
    provides: [daemonServiceRef],
    setup(ctx) {
      const platform = inject.platform ?? (process.platform === 'darwin' ? 'darwin' : 'linux');
      const home = inject.home ?? homedir();
      const service = createDaemonService({
        // process.getuid, not os.userInfo(): the latter throws for a uid with no passwd entry (containers).
        platform, home, uid: process.getuid?.() ?? 0, run: inject.run ?? spawnRunner,
        node: process.execPath, bin: BIN, stateDir: ctx.paths.stateDir, workingDirectory: home,
      });
      ctx.provide(daemonServiceRef, service);
      ctx.hooks.cliCommands.tap('daemon', (program, cli) => registerDaemonCommands(program, cli, service));
    },
  });
}

export function registerDaemonCommands(program: Command, cli: CliContext, daemon: DaemonService): void {
  const command = program.command('daemon').description('run the gateway as a user service (systemd on Linux, launchd on macOS)');
  command.command('install').description('write the unit/agent file and enable it now').action(async () => {
    const result = await daemon.install();
    cli.print(`installed ${result.file}`);
  });
  command.command('status').option('--json', 'print the status as JSON').description('is the service installed, enabled, running?').action(async (opts: { json?: boolean }) => {
    const status = await daemon.status();
    if (opts.json) return cli.print(JSON.stringify(status, null, 2));
    cli.print(`${status.file}: ${status.installed ? 'installed' : 'not installed'}; ${status.active ? 'running' : 'not running'}; ${status.enabled ? 'enabled' : 'not enabled'} (${status.detail})`);
    if (!status.active) cli.setExitCode(3);
  });
  command.command('print').description('print the unit/agent file this machine would get').action(() => cli.print(daemon.render()));
  command.command('uninstall').description('stop, disable and remove the service').action(async () => {
    const result = await daemon.uninstall();
    cli.print(result.removed ? `removed ${result.file}` : `nothing installed at ${result.file}`);
  });
}

export default createDaemonPlugin();
