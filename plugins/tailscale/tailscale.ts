/**
 * Drives the `tailscale` CLI: `serve --bg <port>` exposes the gateway inside the tailnet
 * (HTTPS on the machine's ts.net name), `funnel --bg <port>` on the public internet, and
 * `serve reset` undoes either. Arguments go to the binary directly, never through a shell.
 */
import { spawn } from 'node:child_process';

export type TailscaleMode = 'off' | 'serve' | 'funnel';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export type Runner = (bin: string, args: string[]) => Promise<RunResult>;

export function exposeArgs(mode: Exclude<TailscaleMode, 'off'>, port: number): string[] {
  return [mode, '--bg', String(port)];
}

export const RESET_ARGS = ['serve', 'reset'];

export const spawnTailscale: Runner = (bin, args) => new Promise((resolve) => {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  child.on('error', (error) => resolve({ code: 127, stdout, stderr: error.message }));
  child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
});
