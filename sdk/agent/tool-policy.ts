/**
 * The tool policy of `agents.defaults.sandbox`: which tools a session may call.
 *
 * - mode `off`: nothing is sandboxed; `all`: every session is; `non-main` (the deployment
 *   guide's recommendation): every session except the owner's main one (`agent:<id>:main`).
 *   A call without a session key (an operator's RPC) counts as sandboxed.
 * - For a sandboxed session the denylist wins over the allowlist; an empty allowlist allows
 *   every tool; an empty denylist means the default denylist (control-plane and host tools).
 * - Names are the guide's tool names, `group:*` aliases, tools registered in the registry, or
 *   MCP tool names and prefixes (`mcp__<server>__<tool>`, `mcp__<server>__*`; `group:mcp` is
 *   `mcp__*`): MCP tools come and go with their servers, so they are matched when a call is
 *   checked, not when the lists are read. Anything else is a config error naming its path.
 */
import leven from 'leven';
import { MoltbotError, createServiceRef } from '../core/index.ts';

export const GUIDE_TOOLS = Object.freeze(['read', 'write', 'edit', 'sessions_list', 'sessions_history', 'sessions_send', 'browser', 'canvas', 'nodes', 'cron', 'gateway', 'exec']);

export const TOOL_GROUPS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'group:fs': ['read', 'write', 'edit'],
  'group:sessions': ['sessions_list', 'sessions_history', 'sessions_send'],
  'group:runtime': ['exec'],
  'group:ui': ['browser', 'canvas'],
  'group:control': ['nodes', 'cron', 'gateway'],
  'group:memory': ['memory_search', 'memory_get', 'memory_write'],
  'group:mcp': ['mcp__*'],
});

/** Tools of MCP servers (plugin mcp) are named `mcp__<server>__<tool>`. */
const MCP_PREFIX = 'mcp__';

/**
 * Denied to sandboxed sessions when the config's denylist is empty. The memory tools are in
 * it because memory is the owner's: a group chat or a stranger's DM must not read or write it
 * unless the operator allows `group:memory` for sandboxed sessions. MCP tools (`mcp__*`) are in
 * it because an MCP server acts with the owner's credentials and files.
 */
export const DEFAULT_SANDBOX_DENY = Object.freeze(['exec', 'browser', 'canvas', 'nodes', 'cron', 'gateway', 'memory_search', 'memory_get', 'memory_write', 'mcp__*']);

export type SandboxMode = 'off' | 'non-main' | 'all';

export interface SandboxPolicyConfig {
  mode?: SandboxMode;
  allowlist?: readonly string[];
  denylist?: readonly string[];
  /** Human approval per tool (plugin tool-policy): `never` | `ask` | `always-allow`, and how long `ask` waits. */
  approvals?: { tools?: Readonly<Record<string, 'never' | 'ask' | 'always-allow'>>; timeoutMs?: number };
}

export interface ToolPolicy {
  readonly mode: SandboxMode;
  sandboxed(sessionKey: string | undefined): boolean;
  /** `undefined` when allowed, else the reason given to the model. */
  check(tool: string, sessionKey: string | undefined): string | undefined;
}

/** Service `tool-policy` (plugin `tool-policy`): the policy built when the kernel starts. */
export interface ToolPolicyService {
  /** Throws before the kernel has started (the policy needs every tool registered). */
  current(): ToolPolicy;
}

export const toolPolicyRef = createServiceRef<ToolPolicyService>({
  id: 'tool-policy',
  description: 'Which tools a session may call (agents.defaults.sandbox)',
});

const MAIN_SESSION = /^agent:[a-z0-9][a-z0-9_-]{0,63}:main$/i;
const CONFIG_PATH = 'agents.defaults.sandbox';

export function createToolPolicy(config: SandboxPolicyConfig, knownTools: Iterable<string>): ToolPolicy {
  const known = new Set([...GUIDE_TOOLS, ...knownTools]);
  const problems: string[] = [];
  const allow = expand(config.allowlist ?? [], 'allowlist', known, problems);
  const configuredDeny = expand(config.denylist ?? [], 'denylist', known, problems);
  if (problems.length > 0) {
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: `Invalid config: unknown tool names\n${problems.join('\n')}`,
      path: CONFIG_PATH,
      fix: `Use tool names from \`tools.list\` (built-in: ${GUIDE_TOOLS.join(', ')}) or a group (${Object.keys(TOOL_GROUPS).join(', ')}).`,
    });
  }
  const deny = configuredDeny.size > 0 ? configuredDeny : new Set(DEFAULT_SANDBOX_DENY);
  const denyPrefixes = prefixes(deny);
  const allowPrefixes = prefixes(allow);
  const listed = (set: Set<string>, starts: string[], tool: string) => set.has(tool) || starts.some((start) => tool.startsWith(start));
  const mode = config.mode ?? 'non-main';
  const sandboxed = (sessionKey: string | undefined) =>
    mode === 'all' || (mode === 'non-main' && (sessionKey === undefined || !MAIN_SESSION.test(sessionKey)));
  return {
    mode,
    sandboxed,
    check(tool, sessionKey) {
      if (!sandboxed(sessionKey)) return undefined;
      if (listed(deny, denyPrefixes, tool)) {
        return `tool "${tool}" is denied in sandboxed sessions (${configuredDeny.size > 0 ? `${CONFIG_PATH}.denylist` : 'the default sandbox denylist'})`;
      }
      if (allow.size > 0 && !listed(allow, allowPrefixes, tool)) return `tool "${tool}" is not in ${CONFIG_PATH}.allowlist`;
      return undefined;
    },
  };
}

function expand(names: readonly string[], list: 'allowlist' | 'denylist', known: Set<string>, problems: string[]): Set<string> {
  const out = new Set<string>();
  names.forEach((name, index) => {
    const group = TOOL_GROUPS[name];
    if (group !== undefined) for (const member of group) out.add(member);
    else if (known.has(name) || isMcpName(name)) out.add(name);
    else problems.push(` - ${CONFIG_PATH}.${list}[${index}]: unknown tool ${JSON.stringify(name)}${suggest(name, known)}`);
  });
  return out;
}

/** `mcp__<server>__<tool>` or a prefix of MCP names ending in `*` (`mcp__*`, `mcp__fs__*`). */
function isMcpName(name: string): boolean {
  return name.startsWith(MCP_PREFIX) && /^[A-Za-z0-9_-]+\*?$/.test(name);
}

/** Entries ending in `*` match every tool starting with what precedes it. */
function prefixes(names: Set<string>): string[] {
  return [...names].filter((name) => name.endsWith('*')).map((name) => name.slice(0, -1));
}

function suggest(name: string, known: Set<string>): string {
  const candidates = [...known, ...Object.keys(TOOL_GROUPS)];
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = leven(name, candidate);
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? `; did you mean "${best}"?` : '';
}
