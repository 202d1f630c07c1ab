/**
 * The published package, as a plugin author gets it: `npm pack` of this checkout, installed with
 * `npm install` (offline) into a temporary package outside the repository, where tests write a
 * plugin with public imports only, type-check it with the installed TypeScript under --strict and
 * run it with the installed moltbot (its compiled dist/, never the sources).
 *
 * Packing reuses the dist/ the test run's global setup built (`--ignore-scripts` skips prepack's
 * second build). npm resolves a version range only from the registry, so the temporary package
 * gets a lockfile: moltbot from the tarball (by its integrity) and every other package at this
 * checkout's locked version, which `npm install --offline` takes from npm's cache.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { lockClosure, type LockPackages } from '../../app/cli/plugin-lock.ts';
import { REPO, spawnNode, type CliResult } from '../helpers/cli.ts';
import { freePort } from '../helpers/net.ts';
import { npm } from './npm.ts';

interface OwnManifest {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
}

export interface InstalledPackage {
  /** Temp root (outside the repository) holding the tarball and the package. */
  root: string;
  tarball: string;
  /** The package that depends on moltbot: write a plugin and its config here. */
  dir: string;
  /** Writes a file relative to `dir` (or an absolute path), creating folders. */
  write(path: string, content: string): string;
  /** The installed CLI: node_modules/.bin/moltbot. */
  bin: string;
  /** The installed TypeScript on `dir`'s tsconfig.json. */
  tsc(): Promise<CliResult>;
  /** `node <args>` in `dir` (a .ts file there runs by Node's type stripping), HOME and state there. */
  node(args: string[], options?: { timeoutMs?: number }): Promise<CliResult>;
  /** The installed moltbot CLI, in `cwd` (default `dir`), with HOME and state there. */
  moltbot(args: string[], options?: { cwd?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult>;
  /**
   * `moltbot gateway --port <free>` of the installed CLI in `cwd`, once it listens; one per
   * folder (a state dir holds one gateway), shared by the tests that ask; killed by remove().
   */
  gateway(cwd?: string): Promise<{ port: number; url: string; output(): string }>;
  /** Removes everything (call in afterAll). */
  remove(): void;
}

/** What `tsc --strict` checks a plugin package with (the templates' settings). */
export const PLUGIN_TSCONFIG = {
  compilerOptions: {
    target: 'es2024', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2024', 'esnext.disposable'], types: ['node'],
    strict: true, noUncheckedIndexedAccess: true, verbatimModuleSyntax: true, erasableSyntaxOnly: true,
    allowImportingTsExtensions: true, rewriteRelativeImportExtensions: true, resolveJsonModule: true, noEmit: true,
  },
  include: ['*.ts'],
};

function integrityOf(file: string): string {
  return `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;
}

/** Packs this checkout into `root`; needs the dist/ the global setup builds. */
async function pack(root: string, own: OwnManifest): Promise<string> {
  if (!existsSync(join(REPO, 'dist', 'app', 'index.js'))) throw new Error('dist/ is missing: run the tests through vitest (its global setup builds dist/) or npm run build');
  const packed = await npm(['pack', '--ignore-scripts', '--pack-destination', root], { cwd: REPO, timeoutMs: 60_000 });
  const tarball = join(root, `${own.name}-${own.version}.tgz`);
  if (packed.code !== 0 || !existsSync(tarball)) throw new Error(`npm pack failed (${packed.code}):\n${packed.stderr}`);
  return tarball;
}

/** package.json + package-lock.json of the user's package: moltbot from the tarball, TypeScript to check with. */
function writeUserPackage(dir: string, own: OwnManifest, tarball: string): void {
  const spec = `file:../${own.name}-${own.version}.tgz`;
  const devDependencies = { '@types/node': own.devDependencies['@types/node']!, typescript: own.devDependencies.typescript! };
  // keyv: what a cache store plugin builds its Keyv with (moltbot depends on it too: one copy).
  const pkg = { name: 'pack-test-plugin', version: '0.1.0', private: true, type: 'module', dependencies: { keyv: own.dependencies.keyv!, moltbot: spec }, devDependencies };
  const locked = (JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: LockPackages }).packages;
  const lock = {
    name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true,
    packages: {
      '': { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies, devDependencies },
      'node_modules/moltbot': {
        version: own.version, resolved: spec, integrity: integrityOf(tarball), license: own.license,
        dependencies: own.dependencies, bin: own.bin, engines: own.engines,
        ...(own.peerDependencies ? { peerDependencies: own.peerDependencies } : {}),
        ...(own.peerDependenciesMeta ? { peerDependenciesMeta: own.peerDependenciesMeta } : {}),
      },
      // moltbot's dependencies sit where this checkout's lock hoists them: the same paths.
      ...lockClosure(locked, { prod: Object.keys(own.dependencies), dev: Object.keys(devDependencies) }),
    },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  writeFileSync(join(dir, 'tsconfig.json'), `${JSON.stringify(PLUGIN_TSCONFIG, null, 2)}\n`);
}

export async function packAndInstall(): Promise<InstalledPackage> {
  const own = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as OwnManifest;
  const root = mkdtempSync(join(tmpdir(), 'moltbot-pack-'));
  try {
    const tarball = await pack(root, own);
    const dir = join(root, 'user');
    mkdirSync(dir);
    writeUserPackage(dir, own, tarball);
    // --ignore-scripts: isolated-vm ships prebuilt binaries; no production dependency needs a script.
    const installed = await npm(['install', '--ignore-scripts'], { cwd: dir, timeoutMs: 120_000 });
    if (installed.code !== 0) throw new Error(`npm install of the tarball failed (${installed.code}):\n${installed.stderr}`);
    const write = (path: string, content: string) => {
      const target = path.startsWith('/') ? path : join(dir, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
      return target;
    };
    const bin = join(dir, 'node_modules', '.bin', 'moltbot');
    const children: ChildProcess[] = [];
    const gateways = new Map<string, Promise<{ port: number; url: string; output(): string }>>();

    async function startGateway(cwd: string): Promise<{ port: number; url: string; output(): string }> {
      const port = await freePort();
      const child = spawn(process.execPath, [bin, 'gateway', '--port', String(port)], {
        cwd, env: { PATH: process.env.PATH, HOME: cwd, MOLTBOT_STATE_DIR: join(cwd, '.state') }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let output = '';
      child.stdout!.on('data', (chunk) => { output += chunk; });
      child.stderr!.on('data', (chunk) => { output += chunk; });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`gateway did not listen within 30 s:\n${output}`)), 30_000);
        const check = () => { if (output.includes('moltbot gateway listening on')) { clearTimeout(timer); resolve(); } };
        child.stdout!.on('data', check);
        child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`gateway exited ${code} before listening:\n${output}`)); });
      });
      return { port, url: `ws://127.0.0.1:${port}/`, output: () => output };
    }

    return {
      root, tarball, dir, bin, write,
      node: (args, options = {}) => spawnNode(args, { cwd: dir, timeoutMs: options.timeoutMs ?? 30_000 }),
      tsc: () => spawnNode([join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir, timeoutMs: 60_000 }),
      moltbot: (args, options = {}) => spawnNode([bin, ...args], { cwd: options.cwd ?? dir, timeoutMs: options.timeoutMs ?? 30_000, ...(options.env ? { env: options.env } : {}) }),
      gateway: (cwd = dir) => {
        if (!gateways.has(cwd)) gateways.set(cwd, startGateway(cwd));
        return gateways.get(cwd)!;
      },
      remove: () => {
        for (const child of children) child.kill('SIGKILL');
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
