/**
 * Moltbot's first-party plugins by name, each imported only when a config names it, so
 * plugins that are not used cost nothing at start-up. Feature issues add their plugins here.
 */
import type { PluginCatalogue } from '../core/resolve-plugin.ts';
import type { ImpliedPlugin } from '../core/kernel-types.ts';
import { channelPlugins } from './channels/implied.ts';
import { mcpPlugins } from './mcp/implied.ts';

export const FIRST_PARTY: PluginCatalogue = Object.freeze({
  gateway: () => import('./gateway/index.ts'),
  'auth-password': () => import('./auth-password/index.ts'),
  'auth-token': () => import('./auth-token/index.ts'),
  'rate-limit': () => import('./rate-limit/index.ts'),
  'rate-limit-redis': () => import('./rate-limit-redis/index.ts'),
  cache: () => import('./cache/index.ts'),
  'cache-memory': () => import('./cache-memory/index.ts'),
  'cache-disk': () => import('./cache-disk/index.ts'),
  'cache-redis': () => import('./cache-redis/index.ts'),
  agent: () => import('./agent/index.ts'),
  'provider-anthropic': () => import('./provider-anthropic/index.ts'),
  'provider-openai': () => import('./provider-openai/index.ts'),
  'session-store-file': () => import('./session-store-file/index.ts'),
  'session-store-redis': () => import('./session-store-redis/index.ts'),
  'events-redis': () => import('./events-redis/index.ts'),
  'cluster-redis': () => import('./cluster-redis/index.ts'),
  metrics: () => import('./metrics/index.ts'),
  alerts: () => import('./alerts/index.ts'),
  'alert-console': () => import('./alert-console/index.ts'),
  'alert-webhook': () => import('./alert-webhook/index.ts'),
  'alert-file': () => import('./alert-file/index.ts'),
  audit: () => import('./audit/index.ts'),
  diagnostics: () => import('./diagnostics/index.ts'),
  resources: () => import('./resources/index.ts'),
  backup: () => import('./backup/index.ts'),
  onboarding: () => import('./onboarding/index.ts'),
  daemon: () => import('./daemon/index.ts'),
  'log-file': () => import('./log-file/index.ts'),
  tailscale: () => import('./tailscale/index.ts'),
  sandbox: () => import('./sandbox/index.ts'),
  'tools-fs': () => import('./tools-fs/index.ts'),
  'tools-exec': () => import('./tools-exec/index.ts'),
  'tool-policy': () => import('./tool-policy/index.ts'),
  'tools-sessions': () => import('./tools-sessions/index.ts'),
  channels: () => import('./channels/index.ts'),
  'channel-webchat': () => import('./channel-webchat/index.ts'),
  'channel-webhook': () => import('./channel-webhook/index.ts'),
  'channel-whatsapp': () => import('./channel-whatsapp/index.ts'),
  'channel-telegram': () => import('./channel-telegram/index.ts'),
  cron: () => import('./cron/index.ts'),
  'control-ui': () => import('./control-ui/index.ts'),
  skills: () => import('./skills/index.ts'),
  memory: () => import('./memory/index.ts'),
  'tools-browser': () => import('./tools-browser/index.ts'),
  'channel-irc': () => import('./channel-irc/index.ts'),
  mcp: () => import('./mcp/index.ts'),
});

/** What runs with no config at all (DESIGN §4); grows as first-party plugins land. */
export const EMBEDDED_PRESET: readonly string[] = Object.freeze([
  'rate-limit', 'auth-password', 'auth-token', 'gateway',
  'cache', 'cache-memory', 'cache-disk',
  'session-store-file', 'provider-anthropic', 'provider-openai', 'agent',
  'sandbox', 'tools-fs', 'tools-sessions', 'tool-policy',
  'metrics', 'alerts', 'alert-console', 'diagnostics', 'audit',
  'backup', 'onboarding', 'daemon',
  'channels', 'channel-webchat',
  'cron',
  'control-ui',
  'skills', 'memory',
]);

const impliedChannels = channelPlugins(FIRST_PARTY);

/**
 * Plugins the config implies (kernel option `impliedPlugins`): a `channels.<id>` section loads
 * `channel-<id>`; an `mcp.servers` section loads `mcp`.
 */
export const IMPLIED_PLUGINS = (config: Readonly<Record<string, any>>, declared: ReadonlySet<string>): ImpliedPlugin[] => [
  ...impliedChannels(config, declared),
  ...mcpPlugins(config, declared),
];
