/**
 * Real gateway processes (`moltbot gateway --port N`) for multi-instance tests and benches:
 * each has its own state dir and the same config file, is killed when the test finishes, and
 * resolves once it prints its listening line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from './cli.ts';
import { freePort } from './net.ts';

export interface GatewayProcess {
  name: string;
  port: number;
  url: string;
  httpUrl: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (null after a signal). */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Writes `config` as `<dir>/moltbot.config.json` for the processes started in `dir`. */
export function writeConfig(dir: string, config: object): void {
  writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify(config, null, 2));
}

export async function startGatewayProcess(dir: string, name: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const port = await freePort();
  const stateDir = join(dir, `state-${name}`);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const child = spawn(process.execPath, [BIN, 'gateway', '--port', String(port)], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: dir, MOLTBOT_STATE_DIR: stateDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway ${name} did not listen within 20 s:\n${output}`)), 20_000);
    const check = () => {
      if (!output.includes('moltbot gateway listening on')) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve();
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway ${name} exited ${code} before listening:\n${output}`));
    });
  });
  return {
    name, port, child, exited,
    url: `ws://127.0.0.1:${port}/`,
    httpUrl: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
