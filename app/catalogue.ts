/**
 * Moltbot's first-party plugins by name, each imported only when a config names it, so
 * plugins that are not used cost nothing at start-up. Feature issues add their plugins here.
 */
import type { ConfigSection } from '../core/kernel-types.ts';
import type { ImpliedPlugin } from '../sdk/core/index.ts';
import type { PluginCatalogue } from '../sdk/core/index.ts';
import { channelPlugins } from './implied-channels.ts';
import { mcpPlugins } from './implied-mcp.ts';

export const FIRST_PARTY: PluginCatalogue = Object.freeze({
  gateway: () => import('../plugins/gateway/index.ts'),
  'auth-password': () => import('../plugins/auth-password/index.ts'),
  'auth-token': () => import('../plugins/auth-token/index.ts'),
  'rate-limit': () => import('../plugins/rate-limit/index.ts'),
  'rate-limit-redis': () => import('../plugins/rate-limit-redis/index.ts'),
  cache: () => import('../plugins/cache/index.ts'),
  'cache-memory': () => import('../plugins/cache-memory/index.ts'),
  'cache-disk': () => import('../plugins/cache-disk/index.ts'),
  'cache-redis': () => import('../plugins/cache-redis/index.ts'),
  agent: () => import('../plugins/agent/index.ts'),
  'provider-anthropic': () => import('../plugins/provider-anthropic/index.ts'),
  'provider-openai': () => import('../plugins/provider-openai/index.ts'),
  'session-store-file': () => import('../plugins/session-store-file/index.ts'),
  'session-store-redis': () => import('../plugins/session-store-redis/index.ts'),
  'events-redis': () => import('../plugins/events-redis/index.ts'),
  'cluster-redis': () => import('../plugins/cluster-redis/index.ts'),
  metrics: () => import('../plugins/metrics/index.ts'),
  alerts: () => import('../plugins/alerts/index.ts'),
  'alert-console': () => import('../plugins/alert-console/index.ts'),
  'alert-webhook': () => import('../plugins/alert-webhook/index.ts'),
  'alert-file': () => import('../plugins/alert-file/index.ts'),
  audit: () => import('../plugins/audit/index.ts'),
  diagnostics: () => import('../plugins/diagnostics/index.ts'),
  resources: () => import('../plugins/resources/index.ts'),
  backup: () => import('../plugins/backup/index.ts'),
  onboarding: () => import('../plugins/onboarding/index.ts'),
  daemon: () => import('../plugins/daemon/index.ts'),
  'log-file': () => import('../plugins/log-file/index.ts'),
  tailscale: () => import('../plugins/tailscale/index.ts'),
  sandbox: () => import('../plugins/sandbox/index.ts'),
  'tools-fs': () => import('../plugins/tools-fs/index.ts'),
  'tools-exec': () => import('../plugins/tools-exec/index.ts'),
  'tool-policy': () => import('../plugins/tool-policy/index.ts'),
  'tools-sessions': () => import('../plugins/tools-sessions/index.ts'),
  channels: () => import('../plugins/channels/index.ts'),
  'channel-webchat': () => import('../plugins/channel-webchat/index.ts'),
  'channel-webhook': () => import('../plugins/channel-webhook/index.ts'),
  'channel-whatsapp': () => import('../plugins/channel-whatsapp/index.ts'),
  'channel-telegram': () => import('../plugins/channel-telegram/index.ts'),
  cron: () => import('../plugins/cron/index.ts'),
  usage: () => import('../plugins/usage/index.ts'),
  'control-ui': () => import('../plugins/control-ui/index.ts'),
  skills: () => import('../plugins/skills/index.ts'),
  memory: () => import('../plugins/memory/index.ts'),
  'tools-browser': () => import('../plugins/tools-browser/index.ts'),
  'channel-irc': () => import('../plugins/channel-irc/index.ts'),
  'mcp-server': () => import('../plugins/mcp-server/index.ts'),
  'channel-slack': () => import('../plugins/channel-slack/index.ts'),
  mcp: () => import('../plugins/mcp/index.ts'),
  'channel-discord': () => import('../plugins/channel-discord/index.ts'),
  'channel-matrix': () => import('../plugins/channel-matrix/index.ts'),
});

/** What runs with no config at all (DESIGN §4); grows as first-party plugins land. */
export const EMBEDDED_PRESET: readonly string[] = Object.freeze([
  'rate-limit', 'auth-password', 'auth-token', 'gateway',
  'cache', 'cache-memory', 'cache-disk',
  'session-store-file', 'provider-anthropic', 'provider-openai', 'agent', 'usage',
  'sandbox', 'tools-fs', 'tools-sessions', 'tool-policy',
  'metrics', 'alerts', 'alert-console', 'diagnostics', 'audit',
  'backup', 'onboarding', 'daemon',
  'channels', 'channel-webchat',
  'cron',
  'control-ui',
  'skills', 'memory',
  'mcp-server',
]);

const impliedChannels = channelPlugins(FIRST_PARTY);

const has = (value: unknown, ...keys: string[]) => typeof value === 'object' && value !== null && keys.some((key) => Object.hasOwn(value, key));

/**
 * Which first-party plugin reads each config path (kernel option `sections`): a present path
 * whose plugins are all missing loads the first (`logging.transports` loads log-file,
 * `gateway.tailscale` with a mode other than "off" loads tailscale), or under `preset: "none"`
 * is a config error naming the plugin to add, so no setting is silently ignored. Paths the
 * kernel reads itself (`logging.level`, `logging.redact`, `agent.workspace`,
 * `agents.defaults.workspace`, `plugins`, `preset`, `pluginPolicy`) are not listed, nor is
 * `gateway` itself: its port, auth and TLS are also how every CLI command reaches the running
 * gateway, so a `preset: "none"` config listing only `cron` still needs them. Loading by a
 * name inside a value (`alerts.sinks`, `cache.tiers`) is IMPLIED_PLUGINS' job. Each plugin
 * declares its paths in its definition's `sections` (test/app/catalogue.test.ts checks both).
 * `needed` looks at the config as written: schema defaults never count as present.
 */
export const CONFIG_SECTIONS: readonly ConfigSection[] = Object.freeze([
  { path: 'agent', plugins: ['agent'], needed: (agent: unknown) => Object.keys(agent as object).some((key) => key !== 'workspace') },
  { path: 'providers', plugins: ['agent'], readers: ['memory'] },
  { path: 'gateway.rateLimiting', plugins: ['rate-limit', 'rate-limit-redis'] },
  { path: 'gateway.controlUi', plugins: ['control-ui'], readers: ['gateway', 'audit'] },
  { path: 'gateway.tailscale', plugins: ['tailscale'], readers: ['audit'], needed: (tailscale: unknown) => ((tailscale as { mode?: string }).mode ?? 'off') !== 'off' },
  { path: 'channels', plugins: ['channels'], readers: ['audit'] },
  // IMPLIED_PLUGINS loads these first (and refuses an id no plugin has); listed here, a
  // `channels.<id>` section is also an error under preset "none" without its plugin.
  ...Object.keys(FIRST_PARTY).filter((name) => name.startsWith('channel-')).map((name) => ({
    path: `channels.${name.slice('channel-'.length)}`, plugins: [name], readers: ['audit'],
    needed: (section: unknown) => (section as { enabled?: unknown }).enabled !== false,
  })),
  { path: 'agents', plugins: ['agent'], readers: ['resources'], needed: (agents: unknown) => has(agents, 'maxConcurrentRuns', 'maxQueuedRuns', 'sessionCacheSize', 'list') },
  // The agent checks bindings against agents.list; the channels route inbound messages by them.
  { path: 'bindings', plugins: ['agent'], readers: ['channels'] },
  { path: 'session', plugins: ['agent'], readers: ['channels'] },
  { path: 'agents.defaults.sandbox', plugins: ['tool-policy'], readers: ['audit', 'tools-browser'] },
  { path: 'agents.memoryLimit', plugins: ['resources'] },
  { path: 'agents.gcThreshold', plugins: ['resources'] },
  { path: 'tools.exec', plugins: ['tools-exec'], readers: ['resources', 'audit'] },
  { path: 'tools.browser', plugins: ['tools-browser'], readers: ['resources'] },
  { path: 'cache', plugins: ['cache'] },
  { path: 'cache.redis', plugins: ['cache-redis'] },
  // The shared connection settings: any Redis-backed plugin reads them, so none is guessed.
  { path: 'redis', plugins: ['cache-redis', 'session-store-redis', 'events-redis', 'cluster-redis', 'rate-limit-redis'], implies: false },
  { path: 'logging', plugins: ['log-file'], needed: (logging: unknown) => has(logging, 'transports', 'format', 'retention') },
  { path: 'metrics', plugins: ['metrics'], readers: ['alerts'] },
  { path: 'alerts', plugins: ['alerts'] },
  { path: 'backup', plugins: ['backup'] },
  { path: 'cron', plugins: ['cron'] },
  { path: 'mcp.servers', plugins: ['mcp'] },
  { path: 'mcp.serve', plugins: ['mcp-server'] },
]);

/**
 * The sections an embedding kernel (`createKernel` from `moltbot`, the test kit) acts on: those
 * whose plugins are outside the embedded preset. An embedder picks the preset's plugins
 * itself and may well pass `gateway` settings to a kernel that only audits them.
 */
export const EMBEDDED_SECTIONS: readonly ConfigSection[] = Object.freeze(
  CONFIG_SECTIONS.filter((section) => section.plugins.every((name) => !EMBEDDED_PRESET.includes(name))),
);

/**
 * Plugins the config implies (kernel option `impliedPlugins`): a `channels.<id>` section loads
 * `channel-<id>`, each first-party sink named in `alerts.sinks` loads `alert-<name>`, each
 * first-party tier named in `cache.tiers` loads `cache-<name>`, and an `mcp.servers` section
 * loads `mcp`. The plain path → plugin cases are CONFIG_SECTIONS.
 */
export const IMPLIED_PLUGINS = (config: Readonly<Record<string, any>>, declared: ReadonlySet<string>): ImpliedPlugin[] => {
  const implied = [...impliedChannels(config, declared), ...mcpPlugins(config, declared)];
  // `alerts.sinks: ["console", "file"]` loads alert-console and alert-file: a listed sink works
  // (or its options error names the path) instead of staying silently idle. Other names are
  // third-party sinks, listed in `plugins` by their package.
  const sinks = (config.alerts as { sinks?: unknown } | undefined)?.sinks;
  (Array.isArray(sinks) ? sinks : []).forEach((sink: unknown, index) => {
    const name = `alert-${String(sink)}`;
    if (typeof sink === 'string' && Object.hasOwn(FIRST_PARTY, name) && !declared.has(name) && !implied.some((entry) => entry.entry === name)) {
      implied.push({ entry: name, optionsPath: `alerts.sinks[${index}]` });
    }
  });
  // `cache.tiers: ["memory", "redis"]` loads cache-redis the same way: a first-party tier works
  // when named; another name is a store plugin listed in `plugins` (the cache refuses a tier
  // nobody provides). Preset tiers (memory, disk) are left alone: a listed third-party store
  // may provide a tier of that name in their place.
  const tiers = (config.cache as { tiers?: unknown } | undefined)?.tiers;
  (Array.isArray(tiers) ? tiers : []).forEach((tier: unknown, index) => {
    const name = `cache-${String(tier)}`;
    if (typeof tier === 'string' && Object.hasOwn(FIRST_PARTY, name) && !EMBEDDED_PRESET.includes(name) && !declared.has(name) && !implied.some((entry) => entry.entry === name)) {
      implied.push({ entry: name, optionsPath: `cache.tiers[${index}]` });
    }
  });
  return implied;
};

/**
 * The top-level commands first-party plugins add (`cliCommands`), so the CLI can answer a
 * command whose plugin this config does not load (`moltbot logs` without `log-file`) with that
 * plugin's name instead of "unknown command"; "word sub" keys are subcommands of a word several
 * plugins share. test/core/cli/plugin-commands.test.ts keeps it true.
 */
export const PLUGIN_COMMANDS: Readonly<Record<string, string>> = Object.freeze({
  gateway: 'gateway',
  sessions: 'agent',
  agents: 'agent',
  security: 'audit',
  backup: 'backup',
  pairing: 'channels',
  channels: 'channels',
  cron: 'cron',
  daemon: 'daemon',
  doctor: 'diagnostics',
  logs: 'log-file',
  // `mcp` itself also comes from mcp-server (embedded preset): its subcommands name their plugin.
  'mcp list': 'mcp',
  'mcp probe': 'mcp',
  'mcp tools': 'mcp',
  memory: 'memory',
  status: 'metrics',
  onboard: 'onboarding',
  skills: 'skills',
  usage: 'usage',
});
