/**
 * Human approval of tool calls (`agents.defaults.sandbox.approvals`). A call that needs the
 * owner waits in `beforeToolCall` until the owner answers (RPC `approvals.answer`, CLI `moltbot
 * approvals`, a DM `/approve <id>`) or the timeout passes (= deny). Answers `always` / `never`
 * become rules (approval-rules.ts) that win over the config, so the next call is not asked.
 *
 * What needs the owner (per agent, approvals-config.ts): a tool in mode `ask`, or an `exec` call
 * under `exec.ask` `on-miss` that matches no allow pattern (`always`: every exec call).
 *
 * Files (the plugin's data dir):
 * - `pending.json`: the approvals waiting now, rewritten atomically on every change. A process
 *   that dies with approvals pending cannot resume those calls (the run that waited is gone),
 *   so on the next start each one is recorded as denied, with a log line.
 * - `rules.json`: the `always` / `never` answers, per agent.
 * - `audit.jsonl`: append-only, one line per request and answer (who, when, from where).
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppendFile, createRedactor, looksSecretKey, REDACTED, writeJsonAtomic, type ToolCall } from '../../sdk/core/index.ts';
import { ApprovalRules, readJson, type ExecVerdict, type ToolRule } from './approval-rules.ts';
import type { AgentApprovals } from './approvals-config.ts';
import { describeRule, exactRule, execCommand, matchesExecRule, parseExecPattern, type ExecCommand, type ExecRule } from './exec-rules.ts';

export type ApprovalAnswer = 'once' | 'always' | 'deny' | 'never';

export interface PendingApproval {
  id: string;
  tool: string;
  /** The call's arguments: every value under a secret-looking key, and secret shapes inside strings, masked. */
  args: unknown;
  sessionKey?: string;
  agent: string;
  /** Why the owner is asked (the tool's mode, or the exec command that matched no allow rule). */
  reason: string;
  createdAt: string;
  expiresAt: string;
}

/** Who answered: the RPC connection's subject and address, or the channel sender. */
export interface Answerer {
  subject?: string;
  remoteAddress?: string;
  /** rpc | channel:<id> | timeout | restart | shutdown (| …@<instance> when relayed in a cluster) */
  via: string;
}

/** An always / never answer as a rule (the `approval.rule` event). */
export type StoredRule =
  | { agent: string; tool: string; mode: ToolRule }
  | { agent: string; exec: { verdict: ExecVerdict; rule: ExecRule } };

export interface AnswerOptions {
  /** With always / never on an exec call: the pattern to store instead of the exact command. */
  pattern?: string;
}

export interface ApprovalsDeps {
  dataDir: string;
  /** The resolved approvals settings of an agent, for this session (sandboxed sessions may differ). */
  settings(agentId: string, sessionKey: string | undefined): AgentApprovals;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** `approval.requested` / `approval.resolved` / `approval.rule`: to admin clients, channels, other instances. */
  emit(event: string, payload: unknown): void;
}

interface Waiter {
  approval: PendingApproval;
  /** Set when the owner is asked about this exec command (always/never store exec rules). */
  exec?: ExecCommand;
  settle(verdict: string | undefined): void;
  timer: NodeJS.Timeout;
}

type Decision = { verdict: 'run' } | { verdict: 'deny'; reason: string } | { verdict: 'ask'; reason: string; exec?: ExecCommand };

/** An answer to an approval that is not pending (answered, timed out, unknown id) or that does not fit it. */
export class ApprovalError extends Error {}

/** The agent of a session key (`agent:<id>:…`); calls without one belong to the default agent. */
export function agentOf(sessionKey: string | undefined): string {
  return /^agent:([^:]+):/.exec(sessionKey ?? '')?.[1] ?? 'main';
}

export class Approvals {
  readonly #deps: ApprovalsDeps;
  readonly #waiting = new Map<string, Waiter>();
  readonly #audit: AppendFile;
  readonly #rules: ApprovalRules;
  /** Serialises writes of pending.json so an older snapshot never lands after a newer one. */
  #saving: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(deps: ApprovalsDeps, rules: ApprovalRules) {
    this.#deps = deps;
    this.#rules = rules;
    this.#audit = new AppendFile(join(deps.dataDir, 'audit.jsonl'));
  }

  /** Loads the rules and denies what a previous process left pending. */
  static async open(deps: ApprovalsDeps): Promise<Approvals> {
    const approvals = new Approvals(deps, await ApprovalRules.load(join(deps.dataDir, 'rules.json')));
    const left = (await readJson<{ pending?: PendingApproval[] }>(join(deps.dataDir, 'pending.json')))?.pending ?? [];
    for (const approval of left) {
      deps.log.warn({ approvalId: approval.id, tool: approval.tool, sessionKey: approval.sessionKey }, 'approval pending at restart: denied (the call that waited for it is gone)');
      await approvals.#record({ event: 'resolved', id: approval.id, tool: approval.tool, answer: 'deny', reason: 'restart', by: { via: 'restart' } });
      deps.emit('approval.resolved', { id: approval.id, tool: approval.tool, answer: 'deny', approved: false, reason: 'restart' });
    }
    if (left.length > 0) await approvals.#savePending();
    return approvals;
  }

  list(): PendingApproval[] {
    return [...this.#waiting.values()].map((waiter) => waiter.approval);
  }

  has(id: string): boolean {
    return this.#waiting.has(id);
  }

  /** `undefined` to let the call run, else the reason it is denied. */
  async check(call: ToolCall): Promise<string | undefined> {
    const decision = this.#decide(call, agentOf(call.sessionKey));
    if (decision.verdict === 'run') return undefined;
    if (decision.verdict === 'deny') return decision.reason;
    if (this.#closed) return 'the gateway is shutting down; nobody can approve the call';
    return this.#ask(call, decision.reason, decision.exec);
  }

  #decide(call: ToolCall, agentId: string): Decision {
    const settings = this.#deps.settings(agentId, call.sessionKey);
    const toolRule = this.#rules.tool(agentId, call.name);
    if (toolRule === 'never') return { verdict: 'deny', reason: `tool "${call.name}" is never allowed (approval rule)` };
    if (call.name === 'exec' && settings.exec.ask !== 'off' && toolRule === undefined) return this.#decideExec(call, agentId, settings);
    const mode = toolRule ?? settings.tools[call.name];
    if (mode === 'never') return { verdict: 'deny', reason: `tool "${call.name}" is never allowed (approval rule)` };
    if (mode === 'ask') return { verdict: 'ask', reason: `tool "${call.name}" asks for approval` };
    return { verdict: 'run' };
  }

  #decideExec(call: ToolCall, agentId: string, settings: AgentApprovals): Decision {
    const command = execCommand(call.args);
    // Not the exec tool's shape: the tool refuses it itself; the owner is still asked under `always`.
    if (command === undefined) return settings.exec.ask === 'always' ? { verdict: 'ask', reason: 'exec asks for approval on every call (exec.ask "always")' } : { verdict: 'run' };
    const line = describeRule(exactRule(command));
    const stored = this.#rules.exec(agentId, command);
    const denied = stored?.verdict === 'deny' ? describeRule(stored.rule) : settings.exec.deny.find((rule) => matchesExecRule(rule, command));
    if (denied !== undefined) return { verdict: 'deny', reason: `exec \`${line}\` matches the deny rule \`${typeof denied === 'string' ? denied : describeRule(denied)}\`` };
    if (settings.exec.ask === 'always') return { verdict: 'ask', reason: `exec \`${line}\` asks for approval on every call (exec.ask "always")`, exec: command };
    if (stored?.verdict === 'allow' || settings.exec.allow.some((rule) => matchesExecRule(rule, command))) return { verdict: 'run' };
    return { verdict: 'ask', reason: `exec \`${line}\` matches no allow rule (exec.ask "on-miss")`, exec: command };
  }

  async answer(id: string, answer: ApprovalAnswer, by: Answerer, options: AnswerOptions = {}): Promise<PendingApproval> {
    const waiter = this.#waiting.get(id);
    if (waiter === undefined) throw new ApprovalError(`no pending approval ${JSON.stringify(id)} (answered already, timed out, or never asked; see approvals.list)`);
    const { tool, agent } = waiter.approval;
    let learned: StoredRule | undefined;
    if (options.pattern !== undefined) {
      if (waiter.exec === undefined || (answer !== 'always' && answer !== 'never')) throw new ApprovalError('pattern: only an always / never answer to an exec approval stores a pattern');
      let rule;
      try {
        rule = parseExecPattern(options.pattern);
      } catch (error) {
        throw new ApprovalError(`pattern: ${(error as Error).message}`);
      }
      if (!matchesExecRule(rule, waiter.exec)) throw new ApprovalError(`pattern: \`${rule.kind === 'pattern' ? rule.source : options.pattern}\` does not match the command it answers (\`${describeRule(exactRule(waiter.exec))}\`)`);
      learned = { agent, exec: { verdict: answer === 'always' ? 'allow' : 'deny', rule } };
    } else if (answer === 'always' || answer === 'never') {
      learned = waiter.exec !== undefined
        ? { agent, exec: { verdict: answer === 'always' ? 'allow' : 'deny', rule: exactRule(waiter.exec) } }
        : { agent, tool, mode: answer === 'always' ? 'always-allow' : 'never' };
    }
    if (learned !== undefined) {
      await this.learn(learned);
      this.#deps.emit('approval.rule', learned);
    }
    const approved = answer === 'once' || answer === 'always';
    await this.#resolve(waiter, approved ? undefined : `the owner denied "${tool}" (approval ${id})`, { answer, by });
    return waiter.approval;
  }

  /** Stores an always / never rule (this instance's answer, or one another instance stored). */
  async learn(rule: StoredRule): Promise<void> {
    if ('exec' in rule) await this.#rules.addExec(rule.agent, rule.exec.verdict, rule.exec.rule);
    else await this.#rules.addTool(rule.agent, rule.tool, rule.mode);
  }

  /** Denies everything still waiting (the kernel is closing). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiter of [...this.#waiting.values()]) {
      await this.#resolve(waiter, 'the gateway shut down before the owner answered', { answer: 'deny', reason: 'shutdown', by: { via: 'shutdown' } });
    }
    await this.#saving;
    await this.#audit.close();
  }

  async #ask(call: ToolCall, reason: string, exec: ExecCommand | undefined): Promise<string | undefined> {
    const agent = agentOf(call.sessionKey);
    const timeoutMs = this.#deps.settings(agent, call.sessionKey).timeoutMs;
    const now = Date.now();
    const approval: PendingApproval = {
      id: randomUUID(),
      tool: call.name,
      args: maskArgs(call.args),
      ...(call.sessionKey !== undefined ? { sessionKey: call.sessionKey } : {}),
      agent,
      reason: maskText(reason),
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + timeoutMs).toISOString(),
    };
    const verdict = new Promise<string | undefined>((resolve) => {
      const waiter: Waiter = {
        approval,
        ...(exec !== undefined ? { exec } : {}),
        settle: resolve,
        timer: setTimeout(() => {
          void this.#resolve(waiter, `no answer to approval ${approval.id} for "${call.name}" within ${formatMs(timeoutMs)} (approvals.timeoutMs)`, { answer: 'deny', reason: 'timeout', by: { via: 'timeout' } });
        }, timeoutMs),
      };
      this.#waiting.set(approval.id, waiter);
    });
    await this.#savePending();
    await this.#record({ event: 'requested', id: approval.id, tool: approval.tool, agent, sessionKey: approval.sessionKey, reason: approval.reason });
    this.#deps.log.info({ approvalId: approval.id, tool: approval.tool, agent, sessionKey: approval.sessionKey }, 'tool call waits for approval');
    this.#deps.emit('approval.requested', approval);
    return verdict;
  }

  async #resolve(waiter: Waiter, denial: string | undefined, how: { answer: ApprovalAnswer; reason?: string; by: Answerer }): Promise<void> {
    if (!this.#waiting.delete(waiter.approval.id)) return;
    clearTimeout(waiter.timer);
    const { id, tool } = waiter.approval;
    await this.#savePending();
    await this.#record({ event: 'resolved', id, tool, answer: how.answer, ...(how.reason !== undefined ? { reason: how.reason } : {}), by: how.by });
    this.#deps.log.info({ approvalId: id, tool, answer: how.answer, by: how.by.subject ?? how.by.via }, denial === undefined ? 'approval granted' : 'approval denied');
    this.#deps.emit('approval.resolved', { id, tool, answer: how.answer, approved: denial === undefined, ...(how.reason !== undefined ? { reason: how.reason } : {}) });
    waiter.settle(denial);
  }

  #savePending(): Promise<void> {
    const snapshot = { pending: this.list() };
    // A failed earlier write must not block the later, newer snapshots.
    this.#saving = this.#saving.catch(() => undefined).then(() => writeJsonAtomic(join(this.#deps.dataDir, 'pending.json'), snapshot, { mkdir: true }));
    return this.#saving;
  }

  /** Created on first use: a gateway that never asks leaves no approvals files behind. */
  #dataDir: Promise<unknown> | undefined;

  /** Audit lines; the refusal of a channel answer (approvals-dm.ts) is one too. */
  async #record(entry: Record<string, unknown>): Promise<void> {
    await (this.#dataDir ??= mkdir(this.#deps.dataDir, { recursive: true, mode: 0o700 }));
    return this.#audit.append(`${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
  }

  /** An audited event that is not a request or an answer (a refused channel answer). */
  audit(entry: Record<string, unknown>): Promise<void> {
    return this.#record(entry);
  }
}

const redactor = createRedactor();

function maskText(text: string): string {
  return redactor.scrubText(text);
}

/**
 * Deep copy with the value of every secret-looking key (`apiKey`, `password`, `token`…) masked,
 * and secret shapes inside strings (`--password=…`, `Bearer …`, provider keys) scrubbed by the
 * log redactor's pattern pass: an exec command line carries its secrets in its arguments.
 */
export function maskArgs(value: unknown): unknown {
  if (typeof value === 'string') return maskText(value);
  if (Array.isArray(value)) return value.map(maskArgs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, looksSecretKey(key) ? REDACTED : maskArgs(child)]));
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
