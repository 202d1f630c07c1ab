/**
 * `npm install -g moltbot` on a Node older than 24 ends with one clear line naming Node >= 24,
 * before any dependency's install script can fail in node-gyp (isolated-vm builds from source
 * there). Driven by the machine's real npm and its own older Node, on a stand-in package that
 * carries moltbot's preinstall and a dependency whose install script fails like node-gyp does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

function nodeMajor(bin: string): number | undefined {
  const result = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  const match = /^v(\d+)\./.exec(result.stdout ?? '');
  return match ? Number(match[1]) : undefined;
}

/** A Node older than 24 on this machine (the system one; npm scripts here run Node 24). */
function findOldNode(): string | undefined {
  const candidates = new Set<string>(['/usr/bin/node', '/usr/local/bin/node']);
  const which = spawnSync('which', ['-a', 'node'], { encoding: 'utf8' });
  for (const line of (which.stdout ?? '').split('\n')) if (line.trim() !== '') candidates.add(line.trim());
  for (const candidate of candidates) {
    const major = nodeMajor(candidate);
    if (major !== undefined && major < 24) return candidate;
  }
  return undefined;
}

const OLD_NODE = findOldNode();
if (OLD_NODE === undefined) console.warn('check-node.test.ts: no Node older than 24 on this machine (looked at `which -a node`, /usr/bin, /usr/local/bin); the npm install test is skipped');
const PRE_INSTALL = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.preinstall!;

function pack(dir: string, into: string): string {
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', into], { cwd: dir, encoding: 'utf8' }).trim().split('\n').at(-1)!;
  return join(into, name);
}

/** The stand-in package: moltbot's preinstall and check script, plus a dependency failing like node-gyp. */
function standIn(dir: string): string {
  const dep = join(dir, 'native-dep');
  mkdirSync(dep);
  writeFileSync(join(dep, 'package.json'), JSON.stringify({ name: 'native-dep', version: '1.0.0', scripts: { install: 'node -e "console.error(\'gyp ERR! stack Error: This is a network connectivity issue\'); process.exit(1)"' } }));
  const depTarball = pack(dep, dir);
  const pkg = join(dir, 'moltbot');
  mkdirSync(join(pkg, 'scripts'), { recursive: true });
  copyFileSync(join(REPO, 'scripts', 'check-node.cjs'), join(pkg, 'scripts', 'check-node.cjs'));
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'moltbot', version: '1.0.0', files: ['scripts/check-node.cjs'], scripts: { preinstall: PRE_INSTALL }, dependencies: { 'native-dep': `file:${depTarball}` } }));
  return pack(pkg, dir);
}

function npmInstallGlobal(tarball: string, nodeBin: string, dir: string): { code: number | null; output: string } {
  // The user's shell: their Node first, none of this checkout's node_modules/.bin.
  const path = [dirname(nodeBin), ...(process.env.PATH ?? '').split(delimiter).filter((entry) => !entry.includes('node_modules'))].join(delimiter);
  const result = spawnSync('npm', ['install', '-g', '--prefix', join(dir, 'prefix'), '--offline', '--no-audit', '--no-fund', tarball], {
    encoding: 'utf8', env: { PATH: path, HOME: dir, npm_config_cache: join(dir, 'npm-cache') }, timeout: 60_000,
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('npm install on a Node older than 24', () => {
  it.skipIf(OLD_NODE === undefined)('stops at the preinstall with one line naming Node >= 24, before any dependency build', () => {
    const { dir } = useTempDir('moltbot-node-check-');
    const tarball = standIn(dir);
    const old = npmInstallGlobal(tarball, OLD_NODE!, dir);
    expect(old.code).not.toBe(0);
    const version = execFileSync(OLD_NODE!, ['--version'], { encoding: 'utf8' }).trim();
    expect(old.output).toContain(`moltbot needs Node.js >= 24 (this is ${version}): install Node 24`);
    expect(old.output).not.toContain('gyp ERR!');

    // On Node 24 the check lets the install go on (here to the stand-in dependency's failure).
    const current = npmInstallGlobal(tarball, process.execPath, dir);
    expect(current.output).not.toContain('moltbot needs Node.js');
    expect(current.output).toContain('gyp ERR!');
  });

  it.skipIf(OLD_NODE === undefined)('lets `npm install` in a checkout start on the system Node (the node devDependency brings 24)', () => {
    const result = spawnSync(OLD_NODE!, [join(REPO, 'scripts', 'check-node.cjs')], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });
});
