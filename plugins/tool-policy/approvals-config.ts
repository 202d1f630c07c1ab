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
export function approvalsSettings(agents: AgentsSection | undefined): { base: ApprovalsConfig; forAgent(agentId: string): AgentApprovals } {
  const base = agents?.defaults?.sandbox?.approvals ?? {};
  const problems: string[] = [];
  const resolved = new Map<string, AgentApprovals>();
  const defaults = resolve(base, undefined, BASE_PATH, problems);
  (agents?.list ?? []).forEach((entry, index) => {
    const own = entry.sandbox?.approvals;
    if (entry.id !== undefined && own !== undefined) resolved.set(entry.id, resolve(base, own, `agents.list[${index}].sandbox.approvals`, problems));
  });
  if (problems.length > 0) {
    throw new MoltbotError('MOLT_ERR_CONFIG_INVALID', {
      message: `Invalid config: approvals\n${problems.join('\n')}`,
      path: BASE_PATH,
      fix: 'Exec patterns are a bare program name then one glob per argument, "**" last for any rest (e.g. "git status **"); exec.ask other than "off" decides exec calls, so leave exec out of approvals.tools.',
    });
  }
  return { base, forAgent: (agentId) => resolved.get(agentId) ?? defaults };
}

function resolve(base: ApprovalsConfig, own: ApprovalsConfig | undefined, path: string, problems: string[]): AgentApprovals {
  const tools = { ...base.tools, ...own?.tools };
  const exec = { ...base.exec, ...own?.exec };
  const ask = exec.ask ?? 'off';
  if (ask !== 'off' && tools.exec !== undefined) {
    problems.push(` - ${path}.tools.exec: "${tools.exec}" conflicts with exec.ask "${ask}" (exec.ask decides exec calls); remove one of them`);
  }
  const rules = (key: 'allow' | 'deny'): ExecRule[] => (exec[key] ?? []).flatMap((source, index) => {
    try {
      return [parseExecPattern(source)];
    } catch (error) {
      problems.push(` - ${path}.exec.${key}[${index}]: ${(error as Error).message}`);
      return [];
    }
  });
  return { tools, timeoutMs: own?.timeoutMs ?? base.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS, exec: { ask, allow: rules('allow'), deny: rules('deny') } };
}
