/**
 * Drives the `tailscale` CLI: `serve --bg <port>` exposes the gateway inside the tailnet
 * (HTTPS on the machine's ts.net name), `funnel --bg <port>` on the public internet, and
 * `serve reset` undoes either. Arguments go to the binary directly, never through a shell.
 */
import { spawnRunner } from '../../sdk/ops/index.ts';

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

/** The real runner (shared with the daemon plugin): exit code and output, never a shell. */
export const spawnTailscale: Runner = spawnRunner;
