/**
 * `moltbot mcp list | probe <name> | tools <name>`. Each command starts the servers it looks at
 * from the CLI process itself (one-shot, then closed), so it works the same with or without a
 * running gateway and shows why a server fails (the error and its last stderr lines, redacted).
 */
import type { Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import type { Logger } from '../../sdk/core/index.ts';
import { createRedactor } from '../../sdk/core/index.ts';
import { probeServer, type ProbeResult } from './probe.ts';
import type { McpOptions, ServerSpec } from './settings.ts';
import { registryName, toolAllowed } from './tool-names.ts';

export interface McpCliDeps {
  servers(): ServerSpec[];
  /** Names of configured servers with enabled: false. */
  disabled(): string[];
  options: McpOptions;
  log: Logger;
  secrets(): string[];
}

export function registerMcpCommands(program: Command, cli: CliContext, deps: McpCliDeps): void {
  // mcp-server (embedded preset) adds `mcp serve` to the same word: join its `mcp` command, since
  // a second `mcp` would be shadowed by the first and `mcp list` would answer "unknown command".
  const mcp = program.commands.find((command) => command.name() === 'mcp')
    ?? program.command('mcp').description('Model Context Protocol: Moltbot as an MCP server (serve) and the MCP servers it uses');
  const scrub = (text: string) => createRedactor({ values: deps.secrets }).scrubText(text);
  const find = (name: string): ServerSpec | undefined => {
    const spec = deps.servers().find((s) => s.name === name);
    if (spec === undefined) {
      const known = deps.servers().map((s) => s.name);
      cli.warn(`no enabled MCP server "${name}" in mcp.servers (${known.length ? `known: ${known.join(', ')}` : 'none configured'})\n`);
      cli.setExitCode(1);
    }
    return spec;
  };
  const where = (spec: ServerSpec) => (spec.transport === 'stdio' ? `stdio ${spec.command} ${spec.args.join(' ')}` : `http ${new URL(spec.url).origin}${new URL(spec.url).pathname}`);
  const failure = (result: ProbeResult) => [`  error: ${scrub(result.error ?? 'unknown')}`, ...result.stderr.slice(-5).map((line) => `  stderr: ${scrub(line)}`)];

  mcp.command('list')
    .description('every configured server: connects to each (from this process) and shows its state and tool count')
    .option('--json', 'machine-readable output')
    .action(async (flags: { json?: boolean }) => {
      const results = await Promise.all(deps.servers().map((spec) => probeServer(spec, deps.options, deps.log)));
      if (flags.json) return cli.print(`${JSON.stringify(results.map((r) => ({ name: r.name, ok: r.ok, tools: r.tools.length, transport: r.stats.transport, server: r.stats.serverInfo, capabilities: r.stats.capabilities, ...(r.error ? { error: scrub(r.error) } : {}) })).concat(deps.disabled().map((name) => ({ name, disabled: true }) as never)))}\n`);
      if (results.length === 0 && deps.disabled().length === 0) return cli.print('no MCP servers configured (mcp.servers)\n');
      const lines: string[] = [];
      for (const r of results) {
        const spec = deps.servers().find((s) => s.name === r.name)!;
        lines.push(`${r.name.padEnd(20)} ${(r.ok ? 'ok' : 'FAILED').padEnd(7)} ${String(r.tools.length).padStart(4)} tools  ${scrub(where(spec))}${r.stats.serverInfo ? `  (${r.stats.serverInfo.name} ${r.stats.serverInfo.version})` : ''}`);
        if (!r.ok) lines.push(...failure(r));
      }
      for (const name of deps.disabled()) lines.push(`${name.padEnd(20)} disabled`);
      cli.print(`${lines.join('\n')}\n`);
      if (results.some((r) => !r.ok)) cli.setExitCode(1);
    });

  mcp.command('probe <name>')
    .description('connect to one server and report what it is and offers, or why it failed')
    .action(async (name: string) => {
      const spec = find(name);
      if (spec === undefined) return;
      const r = await probeServer(spec, deps.options, deps.log);
      if (!r.ok) {
        cli.print(`${name}: FAILED after ${Math.round(r.durationMs)} ms (${scrub(where(spec))})\n${failure(r).join('\n')}\n`);
        return cli.setExitCode(1);
      }
      const caps = Object.entries(r.stats.capabilities).filter(([, on]) => on).map(([key]) => key);
      cli.print(`${name}: ok in ${Math.round(r.durationMs)} ms, ${r.stats.serverInfo?.name ?? '?'} ${r.stats.serverInfo?.version ?? ''}\n  transport: ${scrub(where(spec))}\n  offers: ${caps.join(', ') || 'nothing'}\n  tools: ${r.tools.length} (${r.tools.filter((t) => toolAllowed(t.name, spec.allow, spec.deny)).length} registered after mcp.servers.${name}.tools)\n`);
    });

  mcp.command('tools <name>')
    .description("one server's tools, with the name the agent sees (mcp__<server>__<tool>)")
    .option('--json', 'machine-readable output (with input schemas)')
    .action(async (name: string, flags: { json?: boolean }) => {
      const spec = find(name);
      if (spec === undefined) return;
      const r = await probeServer(spec, deps.options, deps.log);
      if (!r.ok) {
        cli.print(`${name}: FAILED\n${failure(r).join('\n')}\n`);
        return cli.setExitCode(1);
      }
      const rows = r.tools.map((t) => ({ tool: t.name, name: registryName(name, t.name), registered: toolAllowed(t.name, spec.allow, spec.deny), description: t.description ?? '', inputSchema: t.inputSchema }));
      if (flags.json) return cli.print(`${JSON.stringify(rows)}\n`);
      cli.print(`${rows.map((row) => `${row.name.padEnd(48)} ${row.registered ? '' : '(filtered by mcp.servers.' + name + '.tools) '}${row.description.split('\n')[0]!.slice(0, 100)}`).join('\n')}\n`);
    });
}
