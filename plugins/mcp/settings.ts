/**
 * The servers of `mcp.servers` as the client uses them: the root schema checked their shape
 * (and `${VAR}` references are already resolved); this adds what a schema cannot say (exactly
 * one of command/url) and the plugin-wide defaults.
 */
import { MoltbotError } from '../../sdk/core/index.ts';

export interface McpOptions {
  callTimeoutMs: number;
  maxResultBytes: number;
  connectTimeoutMs: number;
  backoff: { initialMs: number; maxMs: number };
  breaker: { threshold: number; windowMs: number; cooldownMs: number };
  maxStderrLineBytes: number;
}

/** One entry of `mcp.servers` as written in config. */
export interface McpServerConfig {
  enabled?: boolean;
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  url?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  maxResultBytes?: number;
  tools?: { allow?: string[]; deny?: string[] };
}

interface Common {
  name: string;
  timeoutMs: number;
  maxResultBytes: number;
  allow: readonly string[];
  deny: readonly string[];
}

export type ServerSpec =
  | (Common & { transport: 'stdio'; command: string; args: readonly string[]; env: Readonly<Record<string, string>>; cwd: string })
  | (Common & { transport: 'http'; url: string; headers: Readonly<Record<string, string>> });

/** The enabled servers of `config.mcp.servers`, in config order. */
/** `defaultCwd`: where a stdio child runs when its cwd is not set (the workspace when it exists). */
export function resolveServers(config: Readonly<Record<string, any>>, options: McpOptions, defaultCwd: string): ServerSpec[] {
  const servers = (config['mcp']?.['servers'] ?? {}) as Record<string, McpServerConfig>;
  const out: ServerSpec[] = [];
  for (const [name, server] of Object.entries(servers)) {
    if (server.enabled === false) continue;
    const path = `mcp.servers.${name}`;
    if ((server.command === undefined) === (server.url === undefined)) {
      throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
        message: `Invalid config: ${path} needs exactly one of "command" (a stdio server) or "url" (a streamable HTTP server)`,
        path,
        fix: server.command === undefined
          ? `Add "command" (e.g. "node" with "args") to start the server, or "url" to reach a running one.`
          : `Keep "command" (+ args/env/cwd) for a local server or "url" (+ headers) for a remote one, not both.`,
      });
    }
    const stray = server.command !== undefined ? (server.headers ? 'headers' : undefined) : (server.args ? 'args' : server.env ? 'env' : server.cwd ? 'cwd' : undefined);
    if (stray !== undefined) {
      throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
        message: `Invalid config: ${path}.${stray} does not apply to a ${server.command !== undefined ? 'stdio (command)' : 'streamable HTTP (url)'} server`,
        path: `${path}.${stray}`,
        fix: server.command !== undefined ? 'Pass secrets to a stdio server through "env".' : 'Pass secrets to an HTTP server through "headers".',
      });
    }
    const common: Common = {
      name,
      timeoutMs: server.timeoutMs ?? options.callTimeoutMs,
      maxResultBytes: server.maxResultBytes ?? options.maxResultBytes,
      allow: server.tools?.allow ?? [],
      deny: server.tools?.deny ?? [],
    };
    out.push(server.command !== undefined
      ? { ...common, transport: 'stdio', command: server.command, args: server.args ?? [], env: server.env ?? {}, cwd: server.cwd ?? defaultCwd }
      : { ...common, transport: 'http', url: server.url!, headers: server.headers ?? {} });
  }
  return out;
}
