/**
 * Whether a skill's requirements hold on this machine: binaries found on PATH (a real lookup:
 * an executable regular file in one of the PATH folders), environment variables set and
 * non-empty, root-config keys set, and the platform. Returns the unmet ones as reasons.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { SkillMeta } from './frontmatter.ts';

export interface GateInput {
  env: Readonly<Record<string, string | undefined>>;
  config: Readonly<Record<string, unknown>>;
  platform: string;
}

export function onPath(bin: string, pathVar: string | undefined): boolean {
  if (bin.includes('/') || bin.includes('\\') || bin === '.' || bin === '..') return false;
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, bin);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      // not here
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
  const path = input.env.PATH;
  for (const bin of meta.requires.bins) if (!onPath(bin, path)) reasons.push(`binary "${bin}" not found on PATH`);
  if (meta.requires.anyBins.length > 0 && !meta.requires.anyBins.some((bin) => onPath(bin, path))) {
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
