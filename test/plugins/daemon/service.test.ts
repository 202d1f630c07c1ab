import { existsSync, readFileSync, statSync } from 'node:fs';
import { daemonServiceRef } from '../../../sdk/ops/index.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import { createDaemonPlugin, type CommandRunner } from '../../../plugins/daemon/index.ts';
import { createDaemonService } from '../../../plugins/daemon/service.ts';
import type { MoltbotError } from '../../../core/errors.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

function recorder(answers: Record<string, { code: number; stdout?: string }> = {}) {
  const calls: string[] = [];
  const run: CommandRunner = async (command, args) => {
    const line = [command, ...args].join(' ');
    calls.push(line);
    const answer = answers[line] ?? { code: 0 };
    return { code: answer.code, stdout: answer.stdout ?? '', stderr: answer.code === 0 ? '' : 'boom' };
  };
  return { calls, run };
}

const spec = (home: string) => ({ node: '/usr/bin/node', bin: '/opt/moltbot/bin/moltbot.js', stateDir: join(home, '.clawdbot'), workingDirectory: home, home, uid: 501 });

describe('daemon on Linux (systemd user unit)', () => {
  it('status without a systemd user session says so and names the fix, not "(unknown, unknown)"', async () => {
    const { dir } = useTempDir('moltbot-daemon-');
    const run: CommandRunner = async () => ({ code: 1, stdout: '', stderr: 'Failed to connect to bus: No medium found\n' });
    const daemon = createDaemonService({ ...spec(dir), platform: 'linux', run });
    const status = await daemon.status();
    expect(status).toMatchObject({ installed: false, active: false, enabled: false });
    expect(status.detail).toBe('no systemd user session: "Failed to connect to bus: No medium found"; run `loginctl enable-linger $USER`, then log in again (not `su`/`sudo -u`)');
  });

  it('install writes the unit 0600 and enables it; status and uninstall ask systemctl', async () => {
    const { dir } = useTempDir('moltbot-daemon-');
    const { calls, run } = recorder({ 'systemctl --user is-active moltbot-gateway.service': { code: 0, stdout: 'active\n' }, 'systemctl --user is-enabled moltbot-gateway.service': { code: 0, stdout: 'enabled\n' } });
    const daemon = createDaemonService({ ...spec(dir), platform: 'linux', run });
    const { file } = await daemon.install();
    expect(file).toBe(join(dir, '.config/systemd/user/moltbot-gateway.service'));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('RestartPreventExitStatus=78');
    expect(await daemon.status()).toMatchObject({ installed: true, active: true, enabled: true, detail: 'active, enabled' });
    expect(await daemon.uninstall()).toEqual({ file, removed: true });
    expect(existsSync(file)).toBe(false);
    expect(calls).toEqual([
      'systemctl --user daemon-reload',
      'systemctl --user enable --now moltbot-gateway.service',
      'systemctl --user is-active moltbot-gateway.service',
      'systemctl --user is-enabled moltbot-gateway.service',
      'systemctl --user disable --now moltbot-gateway.service',
      'systemctl --user daemon-reload',
    ]);
  });

  it('reports a failing systemctl with its exit code and stderr, and removes the unit it wrote', async () => {
    const { dir } = useTempDir('moltbot-daemon-');
    const { calls, run } = recorder({ 'systemctl --user enable --now moltbot-gateway.service': { code: 1 } });
    const daemon = createDaemonService({ ...spec(dir), platform: 'linux', run });
    await expect(daemon.install()).rejects.toThrowErrorMatchingInlineSnapshot(`[MoltbotError: systemctl --user enable --now moltbot-gateway.service exited 1: boom; the service file was removed again]`);
    expect(existsSync(daemon.file())).toBe(false);
    expect(calls.at(-1)).toBe('systemctl --user daemon-reload');
  });

  it('no systemd user session ("Failed to connect to bus"): explains it with the fix, leaves nothing installed', async () => {
    const { dir } = useTempDir('moltbot-daemon-');
    const calls: string[] = [];
    const run: CommandRunner = async (command, args) => {
      calls.push([command, ...args].join(' '));
      return { code: 1, stdout: '', stderr: 'Failed to connect to bus: No medium found\n' };
    };
    const daemon = createDaemonService({ ...spec(dir), platform: 'linux', run });
    const error = await daemon.install().then(() => { throw new Error("installed"); }, (caught: unknown) => caught as MoltbotError);
    expect(error).toMatchObject({ code: 'MOLT_ERR_DAEMON_USER_BUS', plugin: 'daemon' });
    expect(error.message).toContain('Failed to connect to bus: No medium found');
    expect(error.fix).toContain('loginctl enable-linger $USER');
    expect(existsSync(daemon.file())).toBe(false);
    expect(calls).toEqual(['systemctl --user daemon-reload']);
  });

  it('a unit that was already installed is left as it was when a reinstall fails', async () => {
    const { dir } = useTempDir('moltbot-daemon-');
    const first = createDaemonService({ ...spec(dir), platform: 'linux', run: recorder().run });
    await first.install();
    const failing = createDaemonService({ ...spec(dir), platform: 'linux', run: recorder({ 'systemctl --user daemon-reload': { code: 1 } }).run });
    await expect(failing.install()).rejects.toMatchObject({ code: 'MOLT_ERR_DAEMON_INSTALL' });
    expect(existsSync(first.file())).toBe(true);
  });
});

describe('daemon on macOS (launchd agent)', () => {
  it('install bootstraps the agent in the gui domain', async () => {
    const { dir } = useTempDir('moltbot-daemon-');
    const { calls, run } = recorder({ 'launchctl bootout gui/501/ai.moltbot.gateway': { code: 3 }, 'launchctl print gui/501/ai.moltbot.gateway': { code: 0, stdout: '\tstate = running\n' } });
    const daemon = createDaemonService({ ...spec(dir), platform: 'darwin', run });
    const { file } = await daemon.install();
    expect(file).toBe(join(dir, 'Library/LaunchAgents/ai.moltbot.gateway.plist'));
    expect(statSync(join(dir, '.clawdbot/logs')).mode & 0o777).toBe(0o700);
    expect(await daemon.status()).toMatchObject({ active: true, enabled: true, detail: 'state running' });
    expect(calls.slice(0, 2)).toEqual(['launchctl bootout gui/501/ai.moltbot.gateway', `launchctl bootstrap gui/501 ${file}`]);
  });
});

describe('daemon plugin', () => {
  it('provides the daemon service for this kernel\'s state dir', async () => {
    const { dir } = useTempDir('moltbot-daemon-');
    const { calls, run } = recorder();
    const kernel = await createTestKernel({ plugins: [createDaemonPlugin({ platform: 'linux', run, home: dir })] });
    const daemon = kernel.use(daemonServiceRef);
    expect(daemon.render()).toContain(`Environment=MOLTBOT_STATE_DIR=${join(kernel.tempDir, 'state')}`);
    await daemon.install();
    expect(calls).toHaveLength(2);
  });
});
