/**
 * A server started as its user starts it, in a process of its own: `node bin/moltbot.js gateway`
 * or the bare `ws` server it is compared with. Used by the start-up and idle-RSS rows.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/net.ts';

export const BIN = fileURLToPath(new URL('../bin/moltbot.js', import.meta.url));
const BARE_WS_SERVER = fileURLToPath(new URL('./bare-ws-server.mjs', import.meta.url));

export type ServerKind = 'echo' | 'gateway';

export interface SpawnedServer {
  pid: number;
  port: number;
  /** performance.now() just before the spawn. */
  spawnedAt: number;
  /** The exit code once the process has exited, undefined while it runs. */
  exitCode(): number | null | undefined;
  /** The last 2 000 characters of its stderr, for a failure message. */
  stderrTail(): string;
  /** SIGTERM, wait for the exit, remove its folder. */
  stop(): Promise<void>;
}

/** Starts `kind` in a fresh folder (its HOME and state); `config` is written as moltbot.config.json; `bin` another checkout's bin/moltbot.js. */
export async function spawnServer(kind: ServerKind, options: { env?: Record<string, string>; config?: object; bin?: string } = {}): Promise<SpawnedServer> {
  const dir = mkdtempSync(join(tmpdir(), `moltbot-bench-${kind}-`));
  if (options.config !== undefined) writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify(options.config));
  const port = await freePort();
  const args = kind === 'gateway' ? [options.bin ?? BIN, 'gateway', '--port', String(port)] : [BARE_WS_SERVER, String(port)];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, MOLTBOT_STATE_DIR: join(dir, 'state'), ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr = (stderr + chunk).slice(-2_000); });
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', (code) => { exitCode = code; resolve(); }));
  return {
    pid: child.pid!,
    port,
    spawnedAt,
    exitCode: () => exitCode,
    stderrTail: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` every `intervalMs` until it resolves true, the server exits or 30 s pass; false unless it succeeded. */
export async function pollUntil(server: SpawnedServer, probe: () => Promise<boolean>, intervalMs: number): Promise<boolean> {
  while (server.exitCode() === undefined && performance.now() - server.spawnedAt < 30_000) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return false;
}
