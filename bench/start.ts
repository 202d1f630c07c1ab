/**
 * Start-up bench. Two ratios against baselines started the same way in the same run, pairs
 * alternating (DESIGN §10): spawn → first answer (the gateway: WebSocket open + `connect`
 * accepted + `ping` answered; a bare `ws` server: open + one echoed frame), and `moltbot
 * --version` against `node -e 0`. One unmeasured gateway start first fills Node's compile cache
 * (bin/moltbot.js enables it), as the first start after an install does; that first start is
 * reported on its own with an empty cache.
 *
 * MOLTBOT_BENCH_AGAINST=<another checkout> adds a before/after row: this checkout's gateway
 * against that one's, spawn → first answer, alternating (e.g. `git worktree add /tmp/before
 * <commit>` with its own `npm ci`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { BIN, pollUntil, spawnServer, type ServerKind } from './spawned-server.ts';
import { BENCH_PASSWORD as PASSWORD } from './gateway-kernel.ts';
import { alternate, median, medianRatio, row, verdict } from './stats.ts';
import { open, type Auth } from './ws-client.ts';
import { builtPackageBin } from './built-package.ts';

const PAIRS = 7;
/** Starts with an empty compile cache take ≈ 0.5–1.5 s each. */
const COLD_PAIRS = 5;
/** `--version` takes ≈ 0.1 s a run: more pairs for the same confidence. */
const VERSION_PAIRS = 14;
/** Only the gateway's own plugins (the default is the whole embedded preset). */
const GATEWAY_ONLY = { preset: 'none', plugins: ['rate-limit', 'auth-password', 'auth-token', 'gateway'] };

/** How long one attempt may take before it counts as failed (a server that accepts and never answers). */
const ATTEMPT_MS = 5_000;

/** Whether a connection opens and its first request is answered ok, within ATTEMPT_MS. */
async function answers(url: string, auth: Auth): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const attempt = (async () => {
    const client = await open(url, auth);
    const ok = (await client.request()) === 1;
    client.ws.terminate();
    return ok;
  })();
  const expired = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ATTEMPT_MS); });
  try {
    return await Promise.race([attempt, expired]);
  } catch {
    return false; // not listening yet
  } finally {
    clearTimeout(timer);
    attempt.catch(() => undefined);
  }
}

/** ms from spawning `kind` to its first answer on a new connection. */
async function timeToAnswer(kind: ServerKind, options: { config?: object; env?: Record<string, string>; bin?: string } = {}): Promise<number> {
  const auth = kind === 'gateway' ? { password: PASSWORD } : undefined;
  const server = await spawnServer(kind, { config: options.config, bin: options.bin, env: { MOLTBOT_GATEWAY_PASSWORD: PASSWORD, ...options.env } });
  try {
    const ok = await pollUntil(server, () => answers(`ws://127.0.0.1:${server.port}/`, auth), 2);
    const elapsed = performance.now() - server.spawnedAt;
    if (!ok) throw new Error(`the ${kind} server never answered (exit ${server.exitCode()}):\n${server.stderrTail()}`);
    return elapsed;
  } finally {
    await server.stop();
  }
}

/**
 * The built package's first start in a new container (its compile cache folder empty), against
 * one whose cache deploy/warm-compile-cache.sh filled, as the image's build does; alternating.
 */
async function firstStartInNewContainer(bin: string): Promise<string> {
  const packageRoot = dirname(dirname(bin));
  const withCache = async (warm: boolean) => {
    const cache = mkdtempSync(join(tmpdir(), 'moltbot-bench-ncc-'));
    try {
      if (warm) execFileSync('sh', ['deploy/warm-compile-cache.sh'], { cwd: packageRoot, env: { PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`, NODE_COMPILE_CACHE: cache }, stdio: 'pipe' });
      return await timeToAnswer('gateway', { bin, env: { NODE_COMPILE_CACHE: cache } });
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  };
  const pairs = await alternate(COLD_PAIRS, () => withCache(true), () => withCache(false));
  return row('built package, first start in a new container: cache warmed at image build / empty', `${median(pairs.subject).toFixed(0)} / ${median(pairs.baseline).toFixed(0)} ms`,
    `${medianRatio(pairs.subject, pairs.baseline).toFixed(2)}× (deploy/warm-compile-cache.sh, as deploy/Dockerfile runs it)`);
}

/** ms of one `node <args>` run to its exit. */
function timeRun(args: string[]): number {
  const began = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return performance.now() - began;
}


export async function benchStart(): Promise<string[]> {
  const lines = [`# start: spawn → first answer (${PAIRS} alternating pairs) and --version (${VERSION_PAIRS}) against their baselines, ratios as medians of per-pair ratios`];
  const cacheDir = mkdtempSync(join(tmpdir(), 'moltbot-bench-ncc-'));
  try {
    const cold = await timeToAnswer('gateway', { env: { NODE_COMPILE_CACHE: cacheDir } });
    lines.push(row('first start, compile cache empty → ping ok', `${cold.toFixed(0)} ms`, 'embedded preset; type stripping and compiling every module once'));
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  await timeToAnswer('gateway');
  const packaged = builtPackageBin();
  lines.push(await firstStartInNewContainer(packaged));
  await timeToAnswer('gateway', { bin: packaged });
  for (const [label, config, bin] of [['embedded preset', undefined, undefined], ['gateway plugins', GATEWAY_ONLY, undefined], ['embedded preset, built package (dist/, as npm installs it)', undefined, packaged], ['gateway plugins, built package (the floor for deferring every other plugin)', GATEWAY_ONLY, packaged]] as const) {
    const pairs = await alternate(PAIRS, () => timeToAnswer('gateway', { config, bin }), () => timeToAnswer('echo'));
    const ratio = medianRatio(pairs.subject, pairs.baseline);
    lines.push(
      row('spawn bare ws server → first echo', `${median(pairs.baseline).toFixed(0)} ms`, 'node + ws, plain JS'),
      row(`spawn gateway → connect + ping ok, ${label}`, `${median(pairs.subject).toFixed(0)} ms`, `${ratio.toFixed(2)}× bare ws (goal ≤ 2×): ${verdict(ratio <= 2)}`),
    );
  }
  const against = process.env.MOLTBOT_BENCH_AGAINST;
  if (against !== undefined && against !== '') {
    const otherBin = join(against, 'bin', 'moltbot.js');
    await timeToAnswer('gateway', { bin: otherBin });
    const pairs = await alternate(PAIRS, () => timeToAnswer('gateway'), () => timeToAnswer('gateway', { bin: otherBin }));
    lines.push(row(`spawn gateway → ping ok: this checkout vs ${against}`, `${median(pairs.subject).toFixed(0)} / ${median(pairs.baseline).toFixed(0)} ms`, `${medianRatio(pairs.subject, pairs.baseline).toFixed(2)}× (embedded preset)`));
  }
  timeRun([BIN, '--version']);
  const version = await alternate(VERSION_PAIRS, async () => timeRun([BIN, '--version']), async () => timeRun(['-e', '0']));
  const ratio = medianRatio(version.subject, version.baseline);
  lines.push(
    row('node -e 0', `${median(version.baseline).toFixed(0)} ms`, 'spawn to exit'),
    row('moltbot --version', `${median(version.subject).toFixed(0)} ms`, `${ratio.toFixed(2)}× node -e 0 (goal ≤ 1.5×): ${verdict(ratio <= 1.5)}`),
  );
  return lines;
}
