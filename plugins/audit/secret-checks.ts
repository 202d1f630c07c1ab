/**
 * `config.secrets.in_config_file`: a field the root schema marks `secret` holds a literal value
 * in a config file instead of a `${VAR}` reference. Files are read raw (before substitution);
 * JSON is walked by path, other formats (.ts/.js/.yaml) are scanned for `key: "literal"`.
 * Findings name the file and the path, never the value.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ROOT_CONFIG_SCHEMA as rootSchema } from '../../sdk/config/index.ts';
import type { Check } from '../../sdk/core/index.ts';
import { secretPaths as rootSecretPaths } from '../../sdk/core/index.ts';

/**
 * Paths of secret fields in the root schema, as segments (`*` stands for a map key or an array
 * index): the validator's own list, which follows `$ref`, `anyOf` and array items (so
 * `cron.jobs.*.deliver.webhook` is found too). Root-schema keys are plain identifiers.
 */
export function secretPaths(schema: object = rootSchema): string[][] {
  return rootSecretPaths(schema).map((path) => path.split('.'));
}

function literalsIn(node: unknown, path: readonly string[], at: string[] = []): string[] {
  if (path.length === 0) return typeof node === 'string' && !node.includes('${') ? [at.join('.')] : [];
  if (node === null || typeof node !== 'object') return [];
  const [head, ...rest] = path;
  const keys = head === '*' ? Object.keys(node) : [head!];
  return keys.flatMap((key) => (Object.hasOwn(node, key) ? literalsIn((node as Record<string, unknown>)[key], rest, [...at, key]) : []));
}

export function literalSecrets(file: string, text: string, paths: string[][] = secretPaths()): string[] {
  if (file.endsWith('.json') || basename(file) === '.moltbotrc') {
    try {
      const parsed = JSON.parse(text) as unknown;
      const root = basename(file) === 'package.json' ? (parsed as { moltbot?: unknown }).moltbot : parsed;
      return [...new Set(paths.flatMap((path) => literalsIn(root, path)))];
    } catch {
      return [];
    }
  }
  // In code files a secret is found by its key's name; a path ending in a wildcard (an MCP
  // server's env or headers: any name) has no name to look for, only JSON files are walked there.
  const names = [...new Set(paths.map((path) => path[path.length - 1]!))].filter((name) => /^[A-Za-z_$][\w$]*$/.test(name));
  const found: string[] = [];
  for (const name of names) {
    const pattern = new RegExp(`["']?\\b${name}["']?\\s*:\\s*(["'\`])(?!\\$\\{)[^"'\`]+\\1`, 'g');
    if (pattern.test(text)) found.push(`…${name}`);
  }
  return found;
}

export function secretChecks(files: readonly string[]): Check[] {
  const checks: Check[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const literals = literalSecrets(file, text);
    if (literals.length === 0) continue;
    checks.push({
      id: 'config.secrets.in_config_file',
      severity: 'warning',
      title: 'Secrets written into a config file',
      description: `${file} holds literal values for ${literals.slice(0, 5).join(', ')}${literals.length > 5 ? ` and ${literals.length - 5} more` : ''}: they end up in backups, editors and version control.`,
      recommendation: 'Write them as ${VAR} references and set the variables in the environment (e.g. ${CLAWDBOT_GATEWAY_PASSWORD}).',
    });
  }
  return checks;
}
