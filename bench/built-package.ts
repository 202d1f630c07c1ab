/**
 * The package as npm installs it, for the start-up and idle-RSS rows: this checkout built
 * (`npm run build`: declarations, then the bundle of scripts/build-bundle.ts) and laid out
 * beside a copy of bin/ with no TypeScript sources, so bin/moltbot.js runs dist/ as it does
 * under node_modules. Built once per bench process; the folder is removed at exit.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What the gateway reads from its package root besides dist/ (package.json is copied: `moltbot` resolves through its exports). */
const SHARED = ['dist', 'schemas', 'ui', 'deploy', 'templates', 'node_modules'];

let bin: string | undefined;

/** bin/moltbot.js of the built package. */
export function builtPackageBin(): string {
  if (bin !== undefined) return bin;
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'moltbot-bench-package-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  for (const name of SHARED) symlinkSync(join(ROOT, name), join(dir, name));
  bin = join(dir, 'bin', 'moltbot.js');
  return bin;
}
