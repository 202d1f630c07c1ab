/**
 * Registry names of MCP tools: `mcp__<server>__<tool>`, within the registry's charset
 * (letters, digits, _ and -, at most 64). A name that fits is used as is; any other (a dot, a
 * space, too long) is sanitised and given a suffix hashed from the original, so it is stable
 * across restarts and two different originals never meet on one name.
 */
import { createHash } from 'node:crypto';

export const MCP_PREFIX = 'mcp__';
const MAX = 64;
const FITS = /^[A-Za-z0-9_-]+$/;

export function registryName(server: string, tool: string): string {
  const plain = `${MCP_PREFIX}${server}__${tool}`;
  if (FITS.test(tool) && plain.length <= MAX) return plain;
  const hash = createHash('sha256').update(`${server}\0${tool}`).digest('hex').slice(0, 8);
  const head = `${MCP_PREFIX}${server}__${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, MAX - hash.length - 1);
  return `${head}_${hash}`;
}

/** `*` matches any run of characters; everything else is literal. */
export function globMatch(pattern: string, name: string): boolean {
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`, 's').test(name);
}

/** The server-level filter of `mcp.servers.<name>.tools`. */
export function toolAllowed(tool: string, allow: readonly string[], deny: readonly string[]): boolean {
  if (deny.some((pattern) => globMatch(pattern, tool))) return false;
  return allow.length === 0 || allow.some((pattern) => globMatch(pattern, tool));
}
