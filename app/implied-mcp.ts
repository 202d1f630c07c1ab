/**
 * Config alone enables the MCP client: a present `mcp` section with servers implies the `mcp`
 * plugin (kernel option `impliedPlugins`, as `channels.<id>` implies `channel-<id>`). Its
 * options stay the plugin's own (tuning); the servers are read from root config.
 */
import type { ImpliedPlugin } from '../sdk/core/index.ts';

export function mcpPlugins(config: Readonly<Record<string, any>>, declared: ReadonlySet<string>): ImpliedPlugin[] {
  const servers = config['mcp']?.['servers'];
  if (servers === undefined || declared.has('mcp')) return [];
  return [{ entry: 'mcp', optionsPath: 'mcp' }];
}
