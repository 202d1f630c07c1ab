/** Runs the CLI in-process (fast) or as a real child process (exit codes, signals, stdio). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../app/cli.ts';

export const BIN = fileURLToPath(new URL('../../bin/moltbot.js', import.meta.url));
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult { code: number; stdout: string; stderr: string }

export async function runCliCaptured(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['node', 'moltbot', ...args], {
    stdout: (text) => { stdout += text; },
    stderr: (text) => { stderr += text; },
    cwd: options.cwd,
    env: { HOME: options.cwd, MOLTBOT_STATE_DIR: `${options.cwd}/.state`, ...options.env },
  });
  return { code, stdout, stderr };
}

export function spawnNode(args: string[], options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH, HOME: options.cwd, MOLTBOT_STATE_DIR: `${options.cwd}/.state`, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out: node ${args.join(' ')}\n${stderr}`)); }, options.timeoutMs ?? 15_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? -1, stdout, stderr }); });
  });
}

export function spawnCli(args: string[], options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<CliResult> {
  return spawnNode([BIN, ...args], options);
}
