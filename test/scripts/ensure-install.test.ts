/**
 * The first `npm start` on a fresh clone installs the dependencies before anything else; it
 * must say so, with about how long it takes, and keep saying it is still going (npm ci is
 * silent for most of that time). A stand-in `npm` first on PATH plays the slow install.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

/** The system Node when older than 24 (a fresh clone starts on it), else this one. */
function startingNode(): string {
  const result = spawnSync('/usr/bin/node', ['--version'], { encoding: 'utf8' });
  return /^v(\d+)\./.test(result.stdout ?? '') ? '/usr/bin/node' : process.execPath;
}

function run(dir: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(startingNode(), [join(dir, 'scripts', 'ensure-install.mjs')], {
      cwd: dir,
      env: { PATH: [join(dir, 'bin'), ...(process.env.PATH ?? '').split(delimiter)].join(delimiter), MOLTBOT_INSTALL_PROGRESS_MS: '150' },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

function freshClone(npmScript: string): string {
  const { dir } = useTempDir('moltbot-fresh-clone-');
  mkdirSync(join(dir, 'scripts'));
  copyFileSync(join(REPO, 'scripts', 'ensure-install.mjs'), join(dir, 'scripts', 'ensure-install.mjs'));
  writeFileSync(join(dir, 'package-lock.json'), '{}');
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'npm'), npmScript);
  chmodSync(join(dir, 'bin', 'npm'), 0o755);
  return dir;
}

describe('scripts/ensure-install.mjs (npm start\'s prestart)', () => {
  it('says what it installs and about how long, reports progress while npm ci is silent, and when it is done', async () => {
    // npm ci, slowed down: ~1 s without a word, then node_modules as npm leaves it.
    const dir = freshClone('#!/bin/sh\nsleep 1\nmkdir -p node_modules/.bin\necho "{}" > node_modules/.package-lock.json\ntouch node_modules/.bin/node\n');
    const result = await run(dir);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toBe('moltbot: first run in this checkout: installing the locked dependencies with `npm ci` (Node 24 included). This takes about 30-60 s (longer on a slow network) and happens once.');
    expect(lines.filter((line) => /^moltbot: still installing dependencies \(\d+ s\)\.\.\.$/.test(line)).length).toBeGreaterThanOrEqual(2);
    expect(lines.at(-1)).toMatch(/^moltbot: dependencies installed in \d+ s\.$/);
    expect(existsSync(join(dir, 'node_modules/.package-lock.json'))).toBe(true);

    // Installed: the next start says nothing.
    const again = await run(dir);
    expect(again).toEqual({ code: 0, stderr: '' });
  });

  it('a failed npm ci ends with its exit code and a line saying so', async () => {
    const dir = freshClone('#!/bin/sh\necho "npm error network ECONNRESET" >&2\nexit 7\n');
    const result = await run(dir);
    expect(result.code).toBe(7);
    expect(result.stderr).toContain('npm error network ECONNRESET');
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^moltbot: `npm ci` failed \(exit 7\) after \d+ s; its messages are above\./);
  });
});
