/**
 * Permission checks: the state dir should be 0700, config files and every file under the state
 * dir (sessions, logs, tokens, backups) unreadable by group and others. `fix` narrows the modes
 * (0700 folders, 0600 files); it never widens one. POSIX only: Windows ACLs are not modes.
 */
import { chmodSync, existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Check } from '../core/index.ts';

const SCAN_LIMIT = 5000;

function modeOf(path: string): number {
  return statSync(path).mode & 0o777;
}

const octal = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;

/** Files and folders under `root` whose mode lets group or others in (bounded walk, no symlinks followed). */
export function looseEntries(root: string, limit = SCAN_LIMIT): { path: string; dir: boolean; mode: number }[] {
  const loose: { path: string; dir: boolean; mode: number }[] = [];
  const stack = [root];
  let seen = 0;
  while (stack.length > 0 && seen < limit) {
    const dir = stack.pop()!;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (++seen > limit) break;
      const path = join(dir, name);
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) continue;
      const mode = stats.mode & 0o777;
      if (stats.isDirectory()) {
        stack.push(path);
        if (mode & 0o077) loose.push({ path, dir: true, mode });
      } else if (stats.isFile() && mode & 0o077) {
        loose.push({ path, dir: false, mode });
      }
    }
  }
  return loose;
}

export function fsChecks(stateDir: string, configFiles: readonly string[], platform = process.platform): Check[] {
  if (platform === 'win32') return [];
  const checks: Check[] = [];
  if (existsSync(stateDir)) {
    const stats = lstatSync(stateDir);
    if (stats.isSymbolicLink()) {
      checks.push({ id: 'fs.state_dir.symlink', severity: 'warning', title: 'State dir is a symlink', description: `${stateDir} is a symbolic link: its permissions and location are those of the target.`, recommendation: 'Point MOLTBOT_STATE_DIR at the real folder.' });
    }
    const mode = modeOf(stateDir);
    if (mode & 0o077) {
      checks.push({
        id: 'fs.state_dir.perms',
        severity: mode & 0o002 ? 'critical' : 'warning',
        title: 'State dir is open to other users',
        description: `${stateDir} has mode ${octal(mode)}; it holds sessions, tokens and backups and should be 0700.`,
        recommendation: `chmod 700 ${stateDir}`,
        fix: async () => chmodSync(stateDir, 0o700),
      });
    }
    // Config files (the seed lives in the state dir) get their own finding below.
    const loose = looseEntries(stateDir).filter((entry) => !configFiles.includes(entry.path));
    if (loose.length > 0) {
      checks.push({
        id: 'fs.state_files.perms',
        severity: loose.some((entry) => entry.mode & 0o002) ? 'critical' : 'warning',
        title: 'Files under the state dir are readable by other users',
        description: `${loose.length} entr${loose.length === 1 ? 'y' : 'ies'} under ${stateDir} let group or others in, e.g. ${loose.slice(0, 3).map((entry) => `${entry.path} (${octal(entry.mode)})`).join(', ')}.`,
        recommendation: 'chmod 600 the files and 700 the folders under the state dir.',
        fix: async () => {
          for (const entry of loose) chmodSync(entry.path, entry.dir ? 0o700 : 0o600);
        },
      });
    }
  }
  for (const file of configFiles) {
    if (!existsSync(file)) continue;
    const mode = modeOf(file);
    if ((mode & 0o077) === 0) continue;
    checks.push({
      id: 'fs.config.perms',
      severity: mode & 0o022 ? 'critical' : 'warning',
      title: 'Config file is open to other users',
      description: `${file} has mode ${octal(mode)}; ${mode & 0o022 ? 'others can change what the gateway runs' : 'others can read it'}. It should be 0600.`,
      recommendation: `chmod 600 ${file}`,
      fix: async () => chmodSync(file, 0o600),
    });
  }
  return checks;
}
