/**
 * Audit checks on the effective config: the deployment guide's (auth disabled, password under
 * 12 characters, sandbox mode not non-main, DM policy not pairing) and those of the peer's
 * catalogue (security-tests.md §1.3) that apply to our config. Ids are stable: scripts match on them.
 */
import type { Check } from '../../sdk/core/index.ts';

type Config = Readonly<Record<string, any>>;

const MIN_PASSWORD = 12;
const MIN_TOKEN = 24;

function exposure(config: Config): { bind: string; loopback: boolean } {
  const bind = String(config.gateway?.bind ?? 'loopback');
  return { bind, loopback: bind === 'loopback' };
}

/** The reference a `plugins` entry names, or undefined for an inline plugin object. */
function pluginReference(entry: unknown): string | undefined {
  const reference = Array.isArray(entry) ? entry[0] : entry;
  return typeof reference === 'string' ? reference : undefined;
}

export interface ConfigCheckOptions {
  /**
   * Whether a `plugins` reference names one of the host's own plugins. The plugin passes what
   * the kernel resolved (origin "first-party"); without it every named reference counts as
   * third-party.
   */
  isFirstParty?(reference: string): boolean;
}

export function configChecks(config: Config, options: ConfigCheckOptions = {}): Check[] {
  const isFirstParty = options.isFirstParty ?? (() => false);
  const checks: Check[] = [];
  const gateway = config.gateway ?? {};
  const auth = gateway.auth ?? {};
  const mode = String(auth.mode ?? 'password');
  const { bind, loopback } = exposure(config);
  const controlUi = gateway.controlUi?.enabled !== false;

  if (mode === 'none' && !loopback) {
    checks.push({ id: 'gateway.bind_no_auth', severity: 'critical', title: 'Gateway reachable from the network without authentication', description: `gateway.bind is "${bind}" and gateway.auth.mode is "none": anyone who reaches the port controls the assistant (the gateway refuses to start this way).`, recommendation: 'Set gateway.auth.mode to "password" (or "token") with a secret from the environment, or bind to loopback.' });
  } else if (mode === 'none') {
    checks.push({ id: 'gateway.loopback_no_auth', severity: controlUi ? 'critical' : 'warning', title: 'Gateway authentication is disabled', description: `gateway.auth.mode is "none": every local process${controlUi ? ', every browser tab through the control UI' : ''} and any reverse proxy in front of the port gets full access.`, recommendation: 'Set gateway.auth.mode to "password" with ${CLAWDBOT_GATEWAY_PASSWORD}.' });
  }
  if (mode === 'password' && typeof auth.password === 'string' && auth.password.length < MIN_PASSWORD) {
    checks.push({ id: 'gateway.password_too_short', severity: 'warning', title: 'Gateway password is short', description: `The gateway password has ${auth.password.length} characters; fewer than ${MIN_PASSWORD} can be guessed despite the lockout.`, recommendation: `Use a random password of at least ${MIN_PASSWORD} characters (e.g. \`openssl rand -base64 18\`).` });
  }
  if (mode === 'token' && typeof auth.token === 'string' && auth.token.length < MIN_TOKEN) {
    checks.push({ id: 'gateway.token_too_short', severity: 'warning', title: 'Gateway token is short', description: `The gateway token has ${auth.token.length} characters; tokens should have at least ${MIN_TOKEN}.`, recommendation: 'Generate a long random token (e.g. `openssl rand -hex 24`).' });
  }
  const origins: string[] = gateway.controlUi?.allowedOrigins ?? [];
  if (origins.includes('*')) {
    checks.push({ id: 'gateway.control_ui.allowed_origins_wildcard', severity: loopback ? 'warning' : 'critical', title: 'Any web page may open a WebSocket to the gateway', description: 'gateway.controlUi.allowedOrigins contains "*": a page on any site can connect with the browser and try credentials.', recommendation: 'List the exact origins of your control UI instead of "*".' });
  }
  if ((bind === 'lan' || bind === 'custom') && gateway.ssl?.enabled !== true) {
    checks.push({ id: 'gateway.tls_off', severity: 'warning', title: 'Gateway serves the network without TLS', description: `gateway.bind is "${bind}" and gateway.ssl.enabled is not true: credentials and messages cross the network in clear text.`, recommendation: 'Set gateway.ssl.enabled with certPath/keyPath, or reach the gateway through Tailscale (bind "tailnet").' });
  }
  if (gateway.tailscale?.mode === 'funnel') {
    const password = mode === 'password';
    checks.push({ id: password ? 'gateway.tailscale_funnel' : 'gateway.tailscale_funnel_no_password', severity: password ? 'info' : 'critical', title: 'Gateway is public through Tailscale Funnel', description: password ? 'The gateway is reachable from the internet; the password is all that protects it.' : `Tailscale Funnel makes the gateway public and gateway.auth.mode is "${mode}", not "password".`, recommendation: password ? 'Keep the password long and random, or use "serve" (tailnet only).' : 'Use gateway.auth.mode "password" with a long password, or tailscale mode "serve".' });
  }
  if (!loopback && gateway.rateLimiting?.enabled === false) {
    checks.push({ id: 'gateway.auth_no_rate_limit', severity: 'warning', title: 'Network-facing gateway without a request rate limit', description: `gateway.bind is "${bind}" and gateway.rateLimiting.enabled is false: one client can flood the gateway (the failed-auth lockout still applies).`, recommendation: 'Remove gateway.rateLimiting.enabled: false (default on: 1000 requests/min, burst 100).' });
  }
  const external = (config.plugins ?? []).map(pluginReference).filter((ref: string | undefined): ref is string => ref !== undefined && !isFirstParty(ref));
  if (external.length > 0 && !(config.pluginPolicy?.allow?.length > 0)) {
    checks.push({ id: 'plugins.extensions_no_allowlist', severity: 'warning', title: 'Third-party plugins load without an allowlist', description: `The config loads ${external.slice(0, 5).join(', ')} and pluginPolicy.allow is empty: any package or file named in the config runs with the gateway's rights.`, recommendation: `List the plugins you trust in pluginPolicy.allow (e.g. ${JSON.stringify(external.slice(0, 2))}).` });
  }
  const sandboxMode = String(config.agents?.defaults?.sandbox?.mode ?? 'non-main');
  if (sandboxMode === 'off') {
    checks.push({ id: 'sandbox.mode_off', severity: 'warning', title: 'Sandbox is off', description: 'agents.defaults.sandbox.mode is "off": sessions other than the owner\'s main one run tools on the host.', recommendation: 'Set agents.defaults.sandbox.mode to "non-main" (or "all").' });
  }
  const execUnsandboxed = sandboxMode === 'off' || config.tools?.exec?.sandbox === false;
  for (const [id, channel] of Object.entries<Record<string, any>>(config.channels ?? {})) {
    if (channel?.enabled === false) continue;
    const policy = String(channel?.dmPolicy ?? 'pairing');
    if (policy === 'open') {
      checks.push({ id: `channels.${id}.dm.open`, severity: 'critical', title: `Anyone can DM the bot on ${id}`, description: `channels.${id}.dmPolicy is "open": strangers reach the agent and its tools${execUnsandboxed ? ', including exec on the host' : ''}.`, recommendation: `Set channels.${id}.dmPolicy to "pairing" (or "allowlist").` });
      checks.push({ id: `security.exposure.open_channels_with_exec.${id}`, severity: execUnsandboxed ? 'critical' : 'warning', title: `Open DMs on ${id} can reach exec and file tools`, description: execUnsandboxed ? 'Open DMs with an unsandboxed exec tool: any sender can run commands on this machine.' : 'Open DMs run in the sandbox, but any sender can still use the sandboxed exec and file tools.', recommendation: 'Close the DMs (pairing), or deny exec/write/edit to sandboxed sessions in agents.defaults.sandbox.denylist.' });
    } else if (policy === 'allowlist' && !(channel?.allowFrom?.length > 0)) {
      checks.push({ id: `channels.${id}.dm.allowlist_empty`, severity: 'info', title: `DM allowlist on ${id} is empty`, description: `channels.${id}.dmPolicy is "allowlist" with no allowFrom entries: nobody can DM the bot.`, recommendation: `Add senders to channels.${id}.allowFrom, or use "pairing".` });
    } else if (policy !== 'pairing' && policy !== 'disabled' && policy !== 'allowlist') {
      checks.push({ id: `channels.${id}.dm.policy`, severity: 'warning', title: `Unknown DM policy on ${id}`, description: `channels.${id}.dmPolicy is "${policy}".`, recommendation: 'Use "pairing".' });
    }
  }
  return checks;
}
