/**
 * The `daemon` service (plugin `daemon`): the gateway as a user service (a systemd user unit on
 * Linux, a launchd agent on macOS), and the command runner it and `tailscale` call tools with.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type CommandRunner = (command: string, args: string[]) => Promise<CommandResult>;

export interface DaemonStatus {
  platform: 'linux' | 'darwin';
  file: string;
  installed: boolean;
  active: boolean;
  enabled: boolean;
  detail: string;
}

export interface DaemonService {
  /** Where the unit/plist goes. */
  file(): string;
  render(): string;
  install(): Promise<{ file: string; commands: string[][] }>;
  status(): Promise<DaemonStatus>;
  uninstall(): Promise<{ file: string; removed: boolean }>;
}

/** The real runner: the command's exit code and output, never a shell. */
export const spawnRunner: CommandRunner = (command, args) => new Promise((resolve) => {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  child.on('error', (error) => resolve({ code: 127, stdout, stderr: error.message }));
  child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
});
