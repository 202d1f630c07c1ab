/**
 * `agents.defaults.sandbox.approvals`, resolved per agent: `agents.defaults` is the base and an
 * entry of `agents.list` with the same `id` may override it (`agents.list[].sandbox.approvals`,
 * when a plugin provides agent lists). Exec patterns are parsed here, once, so a bad one fails
 * the start with its config path.
 */
import { MoltbotError } from '../../sdk/core/index.ts';
import { parseExecPattern, type ExecRule } from './exec-rules.ts';

export type ApprovalMode = 'never' | 'ask' | 'always-allow';
/** `off`: exec follows `tools.exec`; `on-miss`: ask unless an allow rule matches; `always`: ask every call. */
export type ExecAsk = 'off' | 'on-miss' | 'always';

export interface ApprovalsConfig {
  /** Mode per tool name; a tool not named here is not asked about. */
  tools?: Readonly<Record<string, ApprovalMode>>;
  /** How long an `ask` call waits for an answer before it is denied. */
  timeoutMs?: number;
  exec?: { ask?: ExecAsk; allow?: readonly string[]; deny?: readonly string[] };
  /** Overrides for sandboxed sessions (the sandbox mode's): tools merge, exec keys replace. */
  sandboxed?: { tools?: Readonly<Record<string, ApprovalMode>>; exec?: ApprovalsConfig['exec'] };
  /** Where the owner is told about a pending approval, and may answer it by DM (`/approve <id>`). */
  notify?: ReadonlyArray<{ channel: string; to: string }>;
}

export interface AgentApprovals {
  tools: Readonly<Record<string, ApprovalMode>>;
  timeoutMs: number;
  exec: { ask: ExecAsk; allow: ExecRule[]; deny: ExecRule[] };
}

export const DEFAULT_APPROVAL_TIMEOUT_MS = 5 * 60_000;
const BASE_PATH = 'agents.defaults.sandbox.approvals';

interface AgentsSection {
  defaults?: { sandbox?: { approvals?: ApprovalsConfig } };
  list?: ReadonlyArray<{ id?: string; sandbox?: { approvals?: ApprovalsConfig } }>;
}

/** Resolves every agent's settings from the root config; throws MOLT_ERR_CONFIG_INVALID naming each bad path. */
export function approvalsSettings(agents: AgentsSection | undefined): { base: ApprovalsConfig; forAgent(agentId: string, sandboxed?: boolean): AgentApprovals } {
  const base = agents?.defaults?.sandbox?.approvals ?? {};
  // A Set: a problem inherited by several agents is reported once, at the path it was written.
  const problems = new Set<string>();
  const patterns = patternParser(problems);
  const defaults = resolveLevels([{ config: base, path: BASE_PATH }], patterns, problems);
  const resolved = new Map<string, Levels>();
  (agents?.list ?? []).forEach((entry, index) => {
    const own = entry.sandbox?.approvals;
    if (entry.id !== undefined && own !== undefined) resolved.set(entry.id, resolveLevels([{ config: base, path: BASE_PATH }, { config: own, path: `agents.list[${index}].sandbox.approvals` }], patterns, problems));
  });
  if (problems.size > 0) {
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: `Invalid config: approvals\n${[...problems].join('\n')}`,
      path: BASE_PATH,
      fix: 'Exec patterns are a bare program name then one glob per argument, "**" last for any rest (e.g. "git status **"); exec.ask other than "off" decides exec calls, so leave exec out of approvals.tools.',
    });
  }
  return { base, forAgent: (agentId, sandboxed = false) => (resolved.get(agentId) ?? defaults)[sandboxed ? 'sandboxed' : 'main'] };
}

interface Levels {
  main: AgentApprovals;
  /** Sessions the sandbox mode covers: `sandboxed` overrides over `main`. */
  sandboxed: AgentApprovals;
}

type Source = { config: ApprovalsConfig; path: string };

/** Settings from layered sources (the defaults, then an agent's own); each list parsed where it was written. */
function resolveLevels(sources: Source[], patterns: ReturnType<typeof patternParser>, problems: Set<string>): Levels {
  let main: AgentApprovals = { tools: {}, timeoutMs: DEFAULT_APPROVAL_TIMEOUT_MS, exec: { ask: 'off', allow: [], deny: [] } };
  let sandboxedOverrides: Array<{ layer: { tools?: ApprovalsConfig['tools']; exec?: ApprovalsConfig['exec'] }; path: string }> = [];
  for (const { config, path } of sources) {
    main = layer(main, config, path, patterns);
    if (config.sandboxed !== undefined) sandboxedOverrides = [...sandboxedOverrides, { layer: config.sandboxed, path: `${path}.sandboxed` }];
  }
  let sandboxed = main;
  for (const { layer: override, path } of sandboxedOverrides) sandboxed = layer(sandboxed, override, path, patterns);
  conflict(main, sources.at(-1)!.path, problems);
  if (sandboxed !== main) conflict(sandboxed, sandboxedOverrides.at(-1)!.path, problems);
  return { main, sandboxed };
}

function layer(under: AgentApprovals, over: Pick<ApprovalsConfig, 'tools' | 'exec' | 'timeoutMs'>, path: string, patterns: ReturnType<typeof patternParser>): AgentApprovals {
  return {
    tools: { ...under.tools, ...over.tools },
    timeoutMs: over.timeoutMs ?? under.timeoutMs,
    exec: {
      ask: over.exec?.ask ?? under.exec.ask,
      allow: over.exec?.allow !== undefined ? patterns(over.exec.allow, `${path}.exec.allow`) : under.exec.allow,
      deny: over.exec?.deny !== undefined ? patterns(over.exec.deny, `${path}.exec.deny`) : under.exec.deny,
    },
  };
}

function conflict(settings: AgentApprovals, path: string, problems: Set<string>): void {
  if (settings.exec.ask !== 'off' && settings.tools.exec !== undefined) {
    problems.add(` - ${path}: tools.exec "${settings.tools.exec}" conflicts with exec.ask "${settings.exec.ask}" (exec.ask decides exec calls); remove one of them`);
  }
}

function patternParser(problems: Set<string>) {
  return (sources: readonly string[], path: string): ExecRule[] => sources.flatMap((source, index) => {
    try {
      return [parseExecPattern(source)];
    } catch (error) {
      problems.add(` - ${path}[${index}]: ${(error as Error).message}`);
      return [];
    }
  });
}
