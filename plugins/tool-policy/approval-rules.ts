/**
 * The owner's `always` / `never` answers, kept per agent in `rules.json` (the plugin's data dir,
 * written atomically): per tool (`always-allow` / `never`) and per exec command (allow / deny).
 * They win over the config. A file from before per-agent rules (`{ "rules": { tool: mode } }`)
 * is read as rules of every agent (key `*`).
 */
import { readFile } from 'node:fs/promises';
import { writeJsonAtomic } from '../../sdk/core/index.ts';
import { matchesExecRule, type ExecCommand, type ExecRule } from './exec-rules.ts';

export type ToolRule = 'always-allow' | 'never';
export type ExecVerdict = 'allow' | 'deny';

interface AgentRules {
  tools?: Record<string, ToolRule>;
  exec?: Array<{ verdict: ExecVerdict; rule: ExecRule }>;
}

/** Rules stored under this agent id apply to every agent. */
export const EVERY_AGENT = '*';

export class ApprovalRules {
  readonly #file: string;
  #agents: Record<string, AgentRules>;

  private constructor(file: string, agents: Record<string, AgentRules>) {
    this.#file = file;
    this.#agents = agents;
  }

  static async load(file: string): Promise<ApprovalRules> {
    const stored = await readJson<{ agents?: Record<string, AgentRules>; rules?: Record<string, ToolRule> }>(file);
    const agents = stored?.agents ?? (stored?.rules !== undefined ? { [EVERY_AGENT]: { tools: stored.rules } } : {});
    return new ApprovalRules(file, agents);
  }

  /** The stored rule for a tool: the agent's own first, then the every-agent one. */
  tool(agentId: string, tool: string): ToolRule | undefined {
    return this.#agents[agentId]?.tools?.[tool] ?? this.#agents[EVERY_AGENT]?.tools?.[tool];
  }

  /** The first stored exec rule matching the command (deny rules first), the agent's own before every-agent ones. */
  exec(agentId: string, call: ExecCommand): { verdict: ExecVerdict; rule: ExecRule } | undefined {
    const entries = [...(this.#agents[agentId]?.exec ?? []), ...(this.#agents[EVERY_AGENT]?.exec ?? [])].filter((entry) => matchesExecRule(entry.rule, call));
    return entries.find((entry) => entry.verdict === 'deny') ?? entries[0];
  }

  async addTool(agentId: string, tool: string, rule: ToolRule): Promise<void> {
    const own = this.#agents[agentId] ?? {};
    this.#agents = { ...this.#agents, [agentId]: { ...own, tools: { ...own.tools, [tool]: rule } } };
    await this.#save();
  }

  async addExec(agentId: string, verdict: ExecVerdict, rule: ExecRule): Promise<void> {
    const own = this.#agents[agentId] ?? {};
    this.#agents = { ...this.#agents, [agentId]: { ...own, exec: [...(own.exec ?? []), { verdict, rule }] } };
    await this.#save();
  }

  #save(): Promise<void> {
    return writeJsonAtomic(this.#file, { version: 2, agents: this.#agents }, { mkdir: true });
  }
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file}: unreadable approvals state (${(error as Error).message}); fix or delete the file`);
  }
}
