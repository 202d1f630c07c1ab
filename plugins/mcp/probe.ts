/**
 * A one-shot look at a server from the current process (CLI `mcp list|probe|tools`, `doctor`
 * without a running gateway): connect once under the connect timeout, list tools, close (the
 * child's whole process group is gone afterwards). No retry: the answer says why it failed.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../../sdk/core/index.ts';
import { McpServerConnection, type ServerStats } from './connection.ts';
import type { McpOptions, ServerSpec } from './settings.ts';

export interface ProbeResult {
  name: string;
  ok: boolean;
  durationMs: number;
  tools: Tool[];
  stats: ServerStats;
  error?: string;
  /** Last stderr lines of a stdio child (raw: print them through the redactor). */
  stderr: string[];
}

export async function probeServer(spec: ServerSpec, options: McpOptions, log: Logger): Promise<ProbeResult> {
  const began = performance.now();
  const stderr: string[] = [];
  let tools: Tool[] = [];
  const connection = new McpServerConnection(spec, { ...options, breaker: { ...options.breaker, threshold: 1 } }, {
    // The answer carries the error and stderr; the connection's own log lines would only repeat them.
    log: log.child({ probe: spec.name }, { level: 'silent' }),
    stderr: (line) => void stderr.push(line),
    onTools: (list) => (tools = [...list]),
    alert: () => undefined,
    health: () => undefined,
  });
  connection.start();
  await connection.whenSettled(options.connectTimeoutMs + 2000);
  const ok = connection.stats.state === 'ready';
  const stats = { ...connection.stats };
  await connection.close();
  return { name: spec.name, ok, durationMs: performance.now() - began, tools, stats, stderr: stderr.slice(-20), ...(ok ? {} : { error: stats.lastError ?? 'no answer within the connect timeout' }) };
}
