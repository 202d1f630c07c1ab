/**
 * `moltbot mcp serve`: Moltbot as an MCP server over stdio for Claude Desktop, IDEs and the
 * MCP inspector. It talks to the running gateway as an RPC client with the local credential
 * (config secret, else the generated token file), connecting when a tool first needs it and
 * again after the gateway restarts. stdout carries MCP frames only: the kernel logs to stderr
 * and this command prints nothing.
 *
 * The `mcp` command is shared with the MCP client plugin (`mcp list|probe|tools`): whichever
 * plugin registers first creates it, the other adds its subcommands to it.
 */
import type { Command } from 'commander';
import type { CliContext } from '../../sdk/core/index.ts';
import { cliCredential, gatewayUrl } from '../../sdk/gateway/index.ts';
import { connectGateway, type GatewayLink } from './gateway-link.ts';
import type { ToolSettings } from './tools.ts';

type Config = Readonly<Record<string, any>>;

/** The `mcp` command, created by the first plugin that asks for it. */
export function mcpCommand(program: Command): Command {
  return program.commands.find((command) => command.name() === 'mcp')
    ?? program.command('mcp').description('Model Context Protocol: Moltbot as an MCP server (serve) and the MCP servers it uses');
}

export function registerServeCommand(program: Command, cli: CliContext, config: Config, stateDir: string, settings: ToolSettings): void {
  mcpCommand(program).command('serve')
    .description('speak MCP over stdio (for Claude Desktop, IDEs, the MCP inspector), acting on the running gateway')
    .option('--url <url>', 'gateway WebSocket URL (default: from gateway.port and gateway.bind)')
    .option('--read-only', 'ask the gateway for the read scope only: list and read, never send')
    .action(async (options: { url?: string; readOnly?: boolean }) => {
      const url = options.url ?? gatewayUrl(config);
      let link: GatewayLink | undefined;
      let connecting: Promise<GatewayLink> | undefined;
      // One connection for the session; a dropped one (gateway restart) is replaced on the next call.
      const provider = async (): Promise<GatewayLink> => {
        if (link?.open) return link;
        connecting ??= cliCredential(config, stateDir)
          .then((credential) => connectGateway({ url, credential, ...(options.readOnly ? { scopes: ['read' as const] } : {}) }))
          .then((opened) => (link = opened))
          .finally(() => { connecting = undefined; });
        return connecting;
      };
      const [{ StdioServerTransport }, { createMcpServer }] = await Promise.all([
        import('@modelcontextprotocol/sdk/server/stdio.js'),
        import('./tools.ts'),
      ]);
      const server = createMcpServer(provider, settings);
      const transport = new StdioServerTransport();
      const ended = new Promise<void>((resolve) => {
        transport.onclose = resolve;
        process.stdin.once('end', resolve);
        process.stdin.once('close', resolve);
      });
      await server.connect(transport);
      cli.warn(`moltbot MCP server on stdio, acting on the gateway at ${url}${options.readOnly ? ' (read-only)' : ''}`);
      await Promise.race([ended, cli.closed()]);
      link?.close();
      await server.close().catch(() => undefined);
    });
}
