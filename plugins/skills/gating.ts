/**
 * Whether a skill's requirements hold on this machine: binaries found on PATH (a real lookup:
 * an executable regular file in one of the PATH folders), environment variables set and
 * non-empty, root-config keys set, and the platform. Returns the unmet ones as reasons.
 */
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { SkillMeta } from './frontmatter.ts';

export interface GateInput {
  env: Readonly<Record<string, string | undefined>>;
  config: Readonly<Record<string, unknown>>;
  platform: string;
  /** PATH lookup (scans pass a PathIndex one); default `onPath(bin, env.PATH)`. */
  hasBin?(bin: string): boolean;
}

/**
 * PATH lookups for repeated scans: each PATH folder's listing is kept and re-read only when the
 * folder's mtime changes (installing or removing a binary changes it), so a scan costs one stat
 * per PATH folder instead of one per folder per binary. A name found is still checked to be an
 * executable regular file.
 */
export class PathIndex {
  readonly #dirs = new Map<string, { mtimeMs: number; names: Set<string> }>();
  /** PATH folders stat'ed so far (for tests and diagnostics). */
  checked = 0;

  /**
   * A lookup for one scan (memoised per binary). The folders are looked at on the first binary
   * asked for: most scans (one per agent run) have no skill that requires one.
   */
  lookup(pathVar: string | undefined): (bin: string) => boolean {
    let listings: (readonly [string, Set<string>])[] | undefined;
    const known = new Map<string, boolean>();
    return (bin) => {
      listings ??= [...new Set((pathVar ?? '').split(delimiter).filter((dir) => dir !== ''))].map((dir) => [dir, this.#listing(dir)] as const);
      let found = known.get(bin);
      if (found === undefined) {
        found = !bin.includes('/') && !bin.includes('\\') && listings.some(([dir, names]) => names.has(bin) && onPath(bin, dir));
        known.set(bin, found);
      }
      return found;
    };
  }

  #listing(dir: string): Set<string> {
    this.checked++;
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (stat === undefined || !stat.isDirectory()) {
      this.#dirs.delete(dir);
      return new Set();
    }
    const cached = this.#dirs.get(dir);
    if (cached !== undefined && cached.mtimeMs === stat.mtimeMs) return cached.names;
    let names: Set<string>;
    try {
      names = new Set(readdirSync(dir));
    } catch {
      names = new Set();
    }
    this.#dirs.set(dir, { mtimeMs: stat.mtimeMs, names });
    return names;
  }
}

/** True when `bin` is an executable regular file in one of the `pathVar` folders. */
export function onPath(bin: string, pathVar: string | undefined): boolean {
  if (bin.includes('/') || bin.includes('\\') || bin === '.' || bin === '..') return false;
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, bin);
    // No exception for the common miss: a throw per PATH folder made a lookup cost ~0.6 ms.
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile() !== true) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      // present but not executable for us
    }
  }
  return false;
}

export function configValue(config: Readonly<Record<string, unknown>>, path: string): unknown {
  let node: unknown = config;
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Unmet requirements, each a sentence naming what to install/set; empty when available. */
export function unmetRequirements(meta: SkillMeta, input: GateInput): string[] {
  const reasons: string[] = [];
  if (meta.os.length > 0 && !meta.os.includes(input.platform)) reasons.push(`runs on ${meta.os.join(', ')} only (this is ${input.platform})`);
  const hasBin = input.hasBin ?? ((bin: string) => onPath(bin, input.env.PATH));
  for (const bin of meta.requires.bins) if (!hasBin(bin)) reasons.push(`binary "${bin}" not found on PATH`);
  if (meta.requires.anyBins.length > 0 && !meta.requires.anyBins.some(hasBin)) {
    reasons.push(`none of the binaries ${meta.requires.anyBins.map((b) => `"${b}"`).join(', ')} found on PATH`);
  }
  for (const name of meta.requires.env) {
    const value = input.env[name];
    if (value === undefined || value === '') reasons.push(`environment variable ${name} is not set`);
  }
  for (const key of meta.requires.config) {
    const value = configValue(input.config, key);
    if (value === undefined || value === null || value === '' || value === false) reasons.push(`config key ${key} is not set`);
  }
  return reasons;
}
