/**
 * `mcp-server`: Moltbot as an MCP server. `moltbot mcp serve` speaks MCP over stdio to a local
 * client and acts on the running gateway; with mcp.serve.http.enabled the gateway also serves
 * `/mcp` (streamable HTTP, the gateway's Bearer credential). Tools: send_message,
 * list_sessions, session_history, list_channels, and each session as a resource, each a gateway
 * RPC call under the caller's scopes (in process for /mcp, over a WebSocket for stdio). The MCP SDK is imported only when a client connects: loading the plugin costs nothing.
 */
import schema from '../../schemas/plugins/mcp-server.json' with { type: 'json' };
import validate from '../../schemas/generated/mcp-server.validate.ts';
import { definePlugin } from '../../sdk/core/index.ts';
import { gatewayServiceRef } from '../../sdk/gateway/index.ts';
import type { MoltbotConfig } from '../../sdk/config/index.ts';
import { registerServeCommand } from './cli.ts';
import { registerMcpRoutes } from './http.ts';
import type { ToolSettings } from './tools.ts';


export default definePlugin<ToolSettings>({
  name: 'mcp-server',
  version: '1.0.0',
  kernel: '^1.0.0',
  description: 'Moltbot as an MCP server: `moltbot mcp serve` (stdio) and /mcp on the gateway port (streamable HTTP, off by default)',
  sections: ['mcp.serve'],
  schema,
  validate,
  optionalDependencies: ['gateway'],
  setup(ctx, options) {
    const settings: ToolSettings = { replyTimeoutMs: options.replyTimeoutMs, maxHistory: options.maxHistory, maxTextChars: options.maxTextChars };
    ctx.hooks.cliCommands.tap(ctx.name, (program, cli) => registerServeCommand(program, cli, ctx.config, ctx.paths.stateDir, settings));
    const serve = (ctx.config as MoltbotConfig).mcp?.serve;
    if (serve?.http?.enabled === true) {
      ctx.hooks.httpRoute.tap(ctx.name, (router) => registerMcpRoutes(router, () => ctx.use(gatewayServiceRef), settings));
    }
  },
});
