/**
 * deploy/Dockerfile without a Docker daemon: the runtime stage's files are assembled the way
 * the build stage does it (its `pack-runtime.sh` line, run for real: `npm pack` + production
 * dependencies), laid out under a temp "image root", and the gateway is started from there with
 * the final stage's ENV, WORKDIR, ENTRYPOINT and CMD; the HEALTHCHECK command runs against it.
 * Everything is read from the Dockerfile, so the test follows it when it changes.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.ts';
import { freePort } from '../helpers/net.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const PASSWORD = 'docker-test-password-canary-5c1d';

type Instruction = [keyword: string, rest: string];

/** Dockerfile instructions with line continuations joined: [keyword, rest][]. */
function instructions(text: string): Instruction[] {
  return text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => { const [keyword, ...rest] = l.split(/\s+/); return [keyword!.toUpperCase(), rest.join(' ')]; });
}

const dockerfile = instructions(readFileSync(join(REPO, 'deploy/Dockerfile'), 'utf8'));
const all = (keyword: string, stage: Instruction[] = dockerfile) => stage.filter(([k]) => k === keyword).map(([, rest]) => rest);
const lastFrom = dockerfile.map(([k]) => k).lastIndexOf('FROM');
const buildStage = dockerfile.slice(0, lastFrom);
const finalStage = dockerfile.slice(lastFrom);

/** `ENV A=1 B=2` of the final stage, in order. */
function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of all('ENV', finalStage)) for (const [, key, value] of line.matchAll(/(\w+)=(\S+)/g)) env[key!] = value!;
  return env;
}

/** The build stage's `RUN sh deploy/pack-runtime.sh <dest>` and the final stage's `COPY --from=build <dest> <workdir>`. */
function runtimeAssembly(): { dest: string | undefined; copies: string[]; workdir: string | undefined } {
  const run = all('RUN', buildStage).map((line) => /(?:^|&&\s*)sh deploy\/pack-runtime\.sh (\S+)/.exec(line)?.[1]).find(Boolean);
  return { dest: run, copies: all('COPY', finalStage), workdir: all('WORKDIR', finalStage).at(-1) };
}

/** An image path (absolute) inside the temp image root. */
const inRoot = (root: string, path: string) => join(root, path);

/** Node 24 (this test's runtime) first on PATH: the image's `node` is Node 24. */
const PATH = [dirname(process.execPath), process.env.PATH].join(delimiter);

function start(root: string, args: string[], env: Record<string, string>, user?: number, onListening?: (stop: () => void) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { workdir } = runtimeAssembly();
  const [command, ...rest] = [...JSON.parse(all('ENTRYPOINT', finalStage)[0]!) as string[], ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command!, rest, { cwd: inRoot(root, workdir!), env: { PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(user === undefined ? {} : { uid: user, gid: user }) });
    let stdout = '';
    let stderr = '';
    let listening = false;
    const guard = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out: ${stderr}`)); }, 30_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (!listening && stdout.includes('listening on')) { listening = true; onListening?.(() => child.kill('SIGTERM')); }
    });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(guard); resolve({ code, stdout, stderr }); });
  });
}

/** The image's env with its absolute paths moved under the temp root. */
function envInRoot(root: string): Record<string, string> {
  return Object.fromEntries(Object.entries(imageEnv()).map(([key, value]) => [key, value.startsWith('/') ? inRoot(root, value) : value]));
}

/** The final stage's `RUN mkdir … && chown … && chmod 700 …` folders, made the same way (0700). */
function makeVolumes(root: string): string[] {
  const volumes = JSON.parse(all('VOLUME', finalStage)[0]!) as string[];
  for (const volume of volumes) mkdirSync(inRoot(root, volume), { recursive: true, mode: 0o700 });
  return volumes;
}

describe('deploy/Dockerfile', () => {
  it('is multi-stage on node:24-slim, non-root, with volumes, healthcheck and the entrypoint script', () => {
    expect(all('FROM')).toEqual(['node:24-slim AS build', 'node:24-slim']);
    expect(all('USER', finalStage)).toEqual(['node']);
    expect(JSON.parse(all('VOLUME')[0]!)).toEqual(['/home/node/.clawdbot', '/home/node/clawd']);
    expect(all('HEALTHCHECK')[0]).toContain('/healthz');
    // HOME is pinned: under `--user <unknown uid>` Docker would otherwise set HOME=/.
    expect(imageEnv()).toMatchObject({ HOME: '/home/node', MOLTBOT_STATE_DIR: '/home/node/.clawdbot', NODE_ENV: 'production' });
    expect([JSON.parse(all('ENTRYPOINT')[0]!), JSON.parse(all('CMD')[0]!)]).toEqual([['sh', 'deploy/docker-entrypoint.sh'], ['gateway', '--bind', 'lan']]);
  });

  it('takes its runtime files from the package itself: the build stage packs, the final stage copies only that', () => {
    const { dest, copies, workdir } = runtimeAssembly();
    expect(dest, 'the build stage runs `sh deploy/pack-runtime.sh <dest>`').toBeDefined();
    // One COPY, of the packed tree: no hand-kept list of folders that can miss one (ui/built did).
    expect(copies).toEqual([`--from=build ${dest} ${workdir}`]);
  });

  describe('the image assembled without Docker', () => {
    let root: string;
    const workdir = () => inRoot(root, runtimeAssembly().workdir!);

    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'moltbot-image-'));
      const { dest } = runtimeAssembly();
      if (dest === undefined) throw new Error('deploy/Dockerfile has no `RUN sh deploy/pack-runtime.sh <dest>` in its build stage');
      // Offline: the lockfile's packages are in npm's cache (this checkout installed them).
      // ignore-scripts: the test run's global setup already built dist/ (prepack would rebuild
      // it under other tests' feet).
      execFileSync('sh', ['deploy/pack-runtime.sh', inRoot(root, dest)], {
        cwd: REPO, stdio: 'pipe', timeout: 180_000,
        env: { ...process.env, PATH, npm_config_offline: 'true', npm_config_ignore_scripts: 'true', npm_config_update_notifier: 'false' },
      });
      // COPY --from=build <dest> <workdir>
      mkdirSync(dirname(workdir()), { recursive: true });
      execFileSync('cp', ['-a', inRoot(root, dest), workdir()]);
      // The final stage's scripts (the compile cache), from its WORKDIR with the image's ENV.
      for (const line of all('RUN', finalStage).filter((run) => /^sh deploy\//.test(run))) {
        execFileSync('sh', ['-c', line], { cwd: workdir(), env: { PATH, ...envInRoot(root) }, stdio: 'pipe', timeout: 60_000 });
      }
    }, 200_000);
    afterAll(() => { if (root) rmSync(root, { recursive: true, force: true }); });

    it('holds the published files (control UI build included) and runs the compiled dist/, not the sources', () => {
      const packageFiles = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { files: string[] }).files;
      for (const entry of packageFiles) expect(existsSync(join(workdir(), entry)), entry).toBe(true);
      expect(existsSync(join(workdir(), 'ui/built/index.html'))).toBe(true);
      expect(existsSync(join(workdir(), 'dist/app/cli.js'))).toBe(true);
      expect(existsSync(join(workdir(), 'app/cli.ts'))).toBe(false);
      expect(existsSync(join(workdir(), 'test'))).toBe(false);
      expect(existsSync(join(workdir(), 'package-lock.json'))).toBe(false);
      // Production dependencies only.
      expect(existsSync(join(workdir(), 'node_modules/ws/package.json'))).toBe(true);
      expect(existsSync(join(workdir(), 'node_modules/vitest'))).toBe(false);
    });

    it('fills Node\'s compile cache at build, in the folder and as the user the gateway runs with; nothing lands in the volumes', () => {
      const cache = imageEnv().NODE_COMPILE_CACHE!;
      expect(cache.startsWith(`${runtimeAssembly().workdir}/`)).toBe(true);
      const keywords = finalStage.map(([keyword, rest]) => `${keyword} ${rest}`);
      // Run as `node`: Node keeps one cache folder per uid.
      expect(keywords.indexOf('RUN sh deploy/warm-compile-cache.sh')).toBeGreaterThan(keywords.indexOf('USER node'));
      // Open to any --user uid, as /tmp is.
      expect(all('RUN', finalStage).some((run) => run.includes(`chmod 1777 ${cache}`))).toBe(true);
      const folders = readdirSync(inRoot(root, cache));
      expect(folders).toEqual([expect.stringMatching(new RegExp(`^v${process.versions.node}-${process.arch}-\\w+-${process.getuid!()}$`))]);
      // One entry per module `config validate` loaded: the bundle's files on that path and the few
      // files of dependencies left installed (65 here; over 100 before the dependencies were bundled).
      expect(readdirSync(join(inRoot(root, cache), folders[0]!)).length).toBeGreaterThan(40);
      for (const volume of JSON.parse(all('VOLUME', finalStage)[0]!) as string[]) expect(existsSync(inRoot(root, volume))).toBe(false);
    });

    it('starts the gateway with the image\'s ENV, ENTRYPOINT and CMD; the HEALTHCHECK command passes against it', async () => {
      makeVolumes(root);
      const env = { ...envInRoot(root), CLAWDBOT_GATEWAY_PORT: String(await freePort()), CLAWDBOT_GATEWAY_PASSWORD: PASSWORD };
      let health: { status: number | null; stderr: string } | undefined;
      const result = await start(root, JSON.parse(all('CMD', finalStage)[0]!), env, undefined, (stop) => {
        const check = JSON.parse(all('HEALTHCHECK', finalStage)[0]!.replace(/^.*?CMD\s+/, '')) as string[];
        const run = spawnSync(check[0]!, check.slice(1), { env: { PATH, ...env }, cwd: workdir(), timeout: 10_000, encoding: 'utf8' });
        health = { status: run.status, stderr: run.stderr };
        stop();
      });
      expect(result.stderr).not.toContain('MOLT_ERR');
      expect(result.stdout).toMatch(new RegExp(`moltbot gateway listening on ws://[^ ]+:${env.CLAWDBOT_GATEWAY_PORT}/`));
      expect(health).toEqual({ status: 0, stderr: '' });
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    });

    it('refuses lan without auth (exit 78)', async () => {
      const { dir } = useTempDir('moltbot-docker-');
      mkdirSync(join(dir, 'state'), { mode: 0o700 });
      writeFileSync(join(dir, 'state/clawdbot.json'), JSON.stringify({ gateway: { auth: { mode: 'none' } } }), { mode: 0o600 });
      const result = await start(root, [...JSON.parse(all('CMD', finalStage)[0]!), '--port', '0'], { ...envInRoot(root), HOME: dir, MOLTBOT_STATE_DIR: join(dir, 'state') });
      expect(result.code).toBe(78);
      expect(result.stderr).toContain('gateway.auth.mode is "none"');
    });

    it('a bind-mounted state dir owned by another uid stops the start with the owner, the --user and the chown fix (exit 77)', async () => {
      // The container's user is uid 65534 here; the "host" folder belongs to this test's uid, mode 0700.
      const { dir } = useTempDir('moltbot-docker-');
      chmodSync(dir, 0o755);
      mkdirSync(join(dir, 'state'), { mode: 0o700 });
      const stranger = process.getuid!() === 0 ? 65534 : undefined;
      // As root: the folder belongs to another ordinary user (a root-owned one is the next test's case).
      if (stranger !== undefined) chownSync(join(dir, 'state'), 4242, 4242);
      else chmodSync(join(dir, 'state'), 0o500); // not root: take our own write bit instead
      const owner = stranger !== undefined ? '4242:4242' : `${process.getuid!()}:${process.getgid!()}`;
      // The image root must be traversable by that user, as an image's /app is.
      for (let path = workdir(); path !== dirname(root); path = dirname(path)) chmodSync(path, 0o755);
      const result = await start(root, JSON.parse(all('CMD', finalStage)[0]!), { ...envInRoot(root), HOME: dir, MOLTBOT_STATE_DIR: join(dir, 'state'), CLAWDBOT_GATEWAY_PASSWORD: PASSWORD }, stranger);
      expect(result.code).toBe(77);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`${join(dir, 'state')} is owned by uid:gid ${owner}`);
      expect(result.stderr).toContain(`docker run --user ${owner}`);
      expect(result.stderr).toContain('sudo chown -R');
    });

    it('a state dir Docker created as root (missing on the host) gets the mkdir/chown fix, never "run as root"', async () => {
      if (process.getuid!() !== 0) {
        console.warn('root-owned bind mount case skipped: making a root-owned folder needs root (CI runs as root)');
        return;
      }
      const { dir } = useTempDir('moltbot-docker-');
      chmodSync(dir, 0o755);
      mkdirSync(join(dir, 'state'), { mode: 0o755 }); // as dockerd makes a missing bind source: root:root 0755
      for (let path = workdir(); path !== dirname(root); path = dirname(path)) chmodSync(path, 0o755);
      const result = await start(root, JSON.parse(all('CMD', finalStage)[0]!), { ...envInRoot(root), HOME: dir, MOLTBOT_STATE_DIR: join(dir, 'state'), CLAWDBOT_GATEWAY_PASSWORD: PASSWORD }, 65534);
      expect(result.code).toBe(77);
      expect(result.stderr).toContain(`${join(dir, 'state')} is owned by root`);
      expect(result.stderr).toContain('mkdir -p ~/.clawdbot ~/clawd');
      expect(result.stderr).toContain('sudo chown -R 65534:65534');
      expect(result.stderr).not.toContain('--user 0:0');
      expect(result.stderr).not.toContain('MOLTBOT_UID=0');
    });
  });
});

describe('deploy/docker-compose.yml', () => {
  it('matches the guide: port, host folders, env, restart policy, bridge network, owner uid; password required', () => {
    const compose = loadYaml(readFileSync(join(REPO, 'deploy/docker-compose.yml'), 'utf8')) as any;
    const service = compose.services.moltbot;
    expect(service).toMatchObject({
      image: 'ghcr.io/moltbot/moltbot:latest', container_name: 'moltbot', ports: ['18789:18789'],
      volumes: ['~/.clawdbot:/home/node/.clawdbot', '~/clawd:/home/node/clawd'], restart: 'unless-stopped', networks: ['moltbot-net'],
      build: { context: '..', dockerfile: 'deploy/Dockerfile' },
      // The host folders' owner (default: the image's own user).
      user: '${MOLTBOT_UID:-1000}:${MOLTBOT_GID:-1000}',
    });
    expect(service.environment).toEqual([
      'CLAWDBOT_GATEWAY_PASSWORD=${CLAWDBOT_GATEWAY_PASSWORD:?set CLAWDBOT_GATEWAY_PASSWORD}',
      'CLAWDBOT_AGENT_MODEL=${CLAWDBOT_AGENT_MODEL:-anthropic/claude-3-5-sonnet-20241022}',
    ]);
    expect(compose.networks).toEqual({ 'moltbot-net': { driver: 'bridge' } });
    // Volumes mount where the image's VOLUMEs are.
    expect(service.volumes.map((v: string) => v.split(':')[1])).toEqual(JSON.parse(all('VOLUME')[0]!));
  });
});
