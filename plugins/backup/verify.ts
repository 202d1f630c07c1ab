/**
 * `backup verify`: the archive read exactly as restore reads it (same safety checks), every
 * payload's sha256 compared with the manifest. Warnings cover the secret policy: an archive
 * readable by others, or a config inside it holding literal secrets instead of `${ENV}`.
 */
import { stat } from 'node:fs/promises';
import { BackupError } from './errors.ts';
import type { Manifest } from './manifest.ts';
import { compareWithManifest, readArchive, type ArchiveLimits, type FileSink } from './read-archive.ts';

export interface VerifyReport {
  ok: boolean;
  problems: string[];
  warnings: string[];
  files: number;
  manifest?: Manifest;
}

const SECRET_KEY = /^(password|token|apikey|api_key|secret|bottoken|clientsecret)$/i;
const MAX_CONFIG_BYTES = 1024 * 1024;

export async function verifyBackup(archive: string, limits: ArchiveLimits): Promise<VerifyReport> {
  const warnings: string[] = [];
  const mode = (await stat(archive)).mode & 0o777;
  if ((mode & 0o077) !== 0) warnings.push(`archive is readable by others (mode ${mode.toString(8)}); run chmod 600 on it`);
  const configs = new Map<string, Buffer[]>();
  try {
    const contents = await readArchive(archive, limits, {
      onFile: (path) => collectConfig(path, configs),
    });
    const problems = compareWithManifest(contents);
    for (const [path, chunks] of configs) {
      const literal = literalSecretPaths(Buffer.concat(chunks).toString('utf8'));
      if (literal.length > 0) warnings.push(`${path} holds literal secrets at ${literal.join(', ')}; keep this archive private or use \${ENV} references`);
    }
    return { ok: problems.length === 0, problems, warnings, files: contents.manifest.files.length, manifest: contents.manifest };
  } catch (error) {
    if (error instanceof BackupError) return { ok: false, problems: [error.message], warnings, files: 0 };
    throw error;
  }
}

function collectConfig(path: string, configs: Map<string, Buffer[]>): FileSink {
  const isConfig = /^payload\/config[^/]*\/[^/]+\.json5?$/.test(path);
  const chunks: Buffer[] = [];
  let size = 0;
  return {
    write(chunk) {
      if (!isConfig || (size += chunk.length) > MAX_CONFIG_BYTES) return;
      chunks.push(chunk);
    },
    end() {
      if (isConfig && size <= MAX_CONFIG_BYTES) configs.set(path, chunks);
    },
  };
}

/** JSON paths of secret-named keys whose value is a literal string (not a `${VAR}` reference). */
export function literalSecretPaths(text: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  const found: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (typeof node !== 'object' || node === null) return;
    for (const [key, child] of Object.entries(node)) {
      const childPath = path ? `${path}.${key}` : key;
      if (typeof child === 'string' && SECRET_KEY.test(key) && child !== '' && !/^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/.test(child)) found.push(childPath);
      else walk(child, childPath);
    }
  };
  walk(value, '');
  return found;
}
