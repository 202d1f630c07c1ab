/**
 * Installs, inspects and removes the gateway as a user service: a systemd user unit on Linux,
 * a launchd agent on macOS. Every `systemctl`/`launchctl` call goes through the injected
 * runner, so tests see the exact commands and nothing touches the real service manager.
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../sdk/core/index.ts';
import { isMoltbotError, MoltbotError } from '../../sdk/core/index.ts';
import { spawnRunner, type CommandResult, type CommandRunner, type DaemonService, type DaemonStatus } from '../../sdk/ops/index.ts';
import { LAUNCHD_LABEL, renderLaunchdPlist, renderSystemdUnit, SYSTEMD_UNIT_NAME, type ServiceSpec } from './render.ts';
import { daemonErrors } from './error-codes.ts';

export type DaemonPlatform = 'linux' | 'darwin';

export interface DaemonOptions extends ServiceSpec {
  platform: DaemonPlatform;
  home: string;
  /** Numeric user id (launchd's `gui/<uid>` domain). */
  uid: number;
  run: CommandRunner;
}

export function createDaemonService(options: DaemonOptions): DaemonService {
  const linux = options.platform === 'linux';
  const file = linux
    ? join(options.home, '.config', 'systemd', 'user', SYSTEMD_UNIT_NAME)
    : join(options.home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
  const domain = `gui/${options.uid}`;
  const render = () => (linux ? renderSystemdUnit(options) : renderLaunchdPlist(options));
  const must = async (command: string, args: string[]) => {
    const result = await options.run(command, args);
    if (result.code !== 0) throw installError(command, args, result);
    return result;
  };
  return {
    file: () => file,
    render,
    async install() {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 });
      if (!linux) await mkdir(join(options.stateDir, 'logs'), { recursive: true, mode: 0o700 });
      const existed = await import('node:fs/promises').then((fs) => fs.stat(file).then(() => true, () => false));
      await writeFileAtomic(file, render());
      const commands: string[][] = linux
        ? [['systemctl', '--user', 'daemon-reload'], ['systemctl', '--user', 'enable', '--now', SYSTEMD_UNIT_NAME]]
        : [['launchctl', 'bootout', `${domain}/${LAUNCHD_LABEL}`], ['launchctl', 'bootstrap', domain, file]];
      try {
        for (const [command, ...args] of commands) {
          // bootout of an agent that is not loaded fails: that is the state we want anyway.
          if (command === 'launchctl' && args[0] === 'bootout') await options.run(command, args);
          else await must(command!, args);
        }
      } catch (error) {
        // Nothing half-installed: a unit file the manager never took is removed again (one that
        // was there before this install is left as it was found).
        if (!existed) {
          await rm(file, { force: true });
          if (linux && !isMoltbotError(error, daemonErrors.MOLT_ERR_DAEMON_USER_BUS)) await options.run('systemctl', ['--user', 'daemon-reload']);
        }
        throw error;
      }
      return { file, commands };
    },
    async status() {
      const installed = await import('node:fs/promises').then((fs) => fs.stat(file).then(() => true, () => false));
      if (linux) {
        const active = await options.run('systemctl', ['--user', 'is-active', SYSTEMD_UNIT_NAME]);
        const enabled = await options.run('systemctl', ['--user', 'is-enabled', SYSTEMD_UNIT_NAME]);
        // Without a user manager systemctl prints nothing on stdout: say why, as install does.
        const noBus = [active, enabled].map((result) => result.stderr.trim().split('\n')[0] ?? '').find((line) => NO_USER_BUS.test(line));
        return {
          platform: 'linux', file, installed,
          active: active.code === 0, enabled: enabled.code === 0,
          detail: noBus !== undefined
            ? `no systemd user session: "${noBus}"; run \`loginctl enable-linger $USER\`, then log in again (not \`su\`/\`sudo -u\`)`
            : `${active.stdout.trim() || 'unknown'}, ${enabled.stdout.trim() || 'unknown'}`,
        };
      }
      const printed = await options.run('launchctl', ['print', `${domain}/${LAUNCHD_LABEL}`]);
      const state = /state = (\w+)/.exec(printed.stdout)?.[1];
      return {
        platform: 'darwin', file, installed,
        active: state === 'running', enabled: printed.code === 0,
        detail: printed.code === 0 ? `state ${state ?? 'unknown'}` : 'not loaded',
      };
    },
    async uninstall() {
      if (linux) await options.run('systemctl', ['--user', 'disable', '--now', SYSTEMD_UNIT_NAME]);
      else await options.run('launchctl', ['bootout', `${domain}/${LAUNCHD_LABEL}`]);
      const removed = await rm(file).then(() => true, () => false);
      if (linux) await options.run('systemctl', ['--user', 'daemon-reload']);
      return { file, removed };
    },
  };
}

/**
 * `systemctl --user` without a user manager to talk to (a root shell, `su`, a container, ssh
 * without lingering) says "Failed to connect to bus": name that case and its fix.
 */
const NO_USER_BUS = /Failed to connect to (the )?bus|DBUS_SESSION_BUS_ADDRESS|XDG_RUNTIME_DIR/i;

function installError(command: string, args: string[], result: CommandResult): MoltbotError {
  const said = result.stderr.trim() || result.stdout.trim();
  const ran = `${command} ${args.join(' ')}`;
  if (command === 'systemctl' && NO_USER_BUS.test(said)) {
    return new MoltbotError(daemonErrors.MOLT_ERR_DAEMON_USER_BUS, {
      message: `\`${ran}\` found no systemd user session (${said.split('\n')[0]}): this login has no user service manager, so the gateway service cannot be installed; nothing was left installed`,
      plugin: 'daemon',
    });
  }
  return new MoltbotError(daemonErrors.MOLT_ERR_DAEMON_INSTALL, {
    message: `${ran} exited ${result.code}: ${said}; the service file was removed again`,
    plugin: 'daemon',
  });
}

export { spawnRunner };
export type { CommandResult, CommandRunner, DaemonService, DaemonStatus };
