/**
 * `moltbot doctor --bundle <file>`: a support archive (tar.gz, 0600) of the doctor report, the
 * audit findings and the effective config with secrets masked (every field the root schema or
 * a loaded plugin's schema marks secret, channel sections included). Every file then goes through
 * the log redactor with the config's secret values, so a secret that slipped into a message
 * (a path, a URL) is masked too.
 */
import { chmodSync, createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRedactor } from '../../sdk/core/index.ts';
import type { ConfigSecrets } from '../../sdk/core/index.ts';

export interface BundleParts {
  doctor: unknown;
  audit?: unknown;
  config: Readonly<Record<string, unknown>>;
  /** The kernel's view of the config's secrets (root schema and every loaded plugin's schema). */
  secrets: ConfigSecrets;
}

export const BUNDLE_FILES = ['doctor.json', 'audit.json', 'config.json'] as const;

/** `file` resolves from `cwd` (the CLI's working directory, not necessarily the process's). */
export async function writeBundle(file: string, cwd: string, parts: BundleParts): Promise<string> {
  const target = resolve(cwd, file);
  const secrets = parts.secrets.values(parts.config);
  const redactor = createRedactor({ values: () => secrets });
  const plugins = (parts.config.plugins as unknown[] | undefined ?? []).map((entry) => (typeof entry === 'string' ? entry : Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0] : '(inline plugin)'));
  const contents: Record<(typeof BUNDLE_FILES)[number], unknown> = {
    'doctor.json': parts.doctor,
    'audit.json': parts.audit ?? { note: 'the audit plugin is not loaded' },
    'config.json': { ...parts.secrets.mask(parts.config), plugins },
  };
  const staging = mkdtempSync(join(tmpdir(), 'moltbot-bundle-'));
  try {
    for (const name of BUNDLE_FILES) writeFileSync(join(staging, name), redactor.scrubText(`${JSON.stringify(contents[name], null, 2)}\n`), { mode: 0o600 });
    // Written 0600 from the first byte; chmod covers a file that already existed with a looser mode.
    // Loaded on first use: tar is ≈ 100 KB of code a gateway start would otherwise compile and run.
    const { create: tarCreate } = await import('tar');
    await pipeline(tarCreate({ gzip: true, cwd: staging, portable: true }, [...BUNDLE_FILES]), createWriteStream(target, { mode: 0o600 }));
    chmodSync(target, 0o600);
    return target;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
