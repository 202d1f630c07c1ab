/**
 * `moltbot doctor` checks: in a running gateway, each server's supervised state (circuit open
 * is critical, backoff a warning); in the CLI (nothing started), a one-shot probe per server.
 */
import type { CheckReport } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import type { McpManager } from './manager.ts';
import { probeServer } from './probe.ts';
import type { McpOptions, ServerSpec } from './settings.ts';

export async function checkServers(report: CheckReport, deps: { manager: McpManager | undefined; specs: ServerSpec[]; options: McpOptions; log: Logger }): Promise<void> {
  if (deps.manager !== undefined) {
    for (const c of deps.manager.connections) {
      const s = c.stats;
      const severity = s.state === 'ready' ? 'ok' : s.state === 'circuit-open' ? 'critical' : 'warning';
      report.add({
        id: `mcp.server.${c.spec.name}`, severity, title: `MCP server ${c.spec.name}`,
        description: `${s.state}: ${s.tools} tools, ${s.calls} calls, ${s.errors} errors, ${s.restarts} restarts${s.lastError ? `; last error: ${s.lastError}` : ''}`,
        ...(severity === 'ok' ? {} : { recommendation: `Run \`moltbot mcp probe ${c.spec.name}\` to see why it fails (error and stderr), then fix mcp.servers.${c.spec.name}.` }),
      });
    }
    return;
  }
  const results = await Promise.all(deps.specs.map((spec) => probeServer(spec, deps.options, deps.log)));
  for (const r of results) {
    report.add({
      id: `mcp.server.${r.name}`, severity: r.ok ? 'ok' : 'critical', title: `MCP server ${r.name}`,
      description: r.ok ? `answers: ${r.tools.length} tools (${r.stats.serverInfo?.name ?? '?'} ${r.stats.serverInfo?.version ?? ''})` : `does not start or answer: ${r.error}`,
      ...(r.ok ? {} : { recommendation: `Run \`moltbot mcp probe ${r.name}\` for its stderr; check mcp.servers.${r.name}.command/args/url.` }),
    });
  }
}
