/**
 * Human approval of tool calls (`agents.defaults.sandbox.approvals`). A tool whose mode is `ask`
 * waits in `beforeToolCall` until the owner answers (RPC `approvals.answer`, CLI `moltbot
 * approvals`) or the timeout passes (= deny). Answers `always` / `never` become rules that are
 * persisted and win over the config's modes, so the next call is not asked again.
 *
 * Files (the plugin's data dir):
 * - `pending.json`: the approvals waiting now, rewritten atomically on every change. A process
 *   that dies with approvals pending cannot resume those calls (the run that waited is gone),
 *   so on the next start each one is recorded as denied, with a log line.
 * - `rules.json`: the `always` / `never` answers, per tool.
 * - `audit.jsonl`: append-only, one line per request and answer (who, when, from where).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppendFile, looksSecretKey, REDACTED, writeJsonAtomic, type ToolCall } from '../../sdk/core/index.ts';

export type ApprovalMode = 'never' | 'ask' | 'always-allow';
export type ApprovalAnswer = 'once' | 'always' | 'deny' | 'never';

export interface ApprovalsConfig {
  /** Mode per tool name; a tool not named here is not asked about. */
  tools?: Readonly<Record<string, ApprovalMode>>;
  /** How long an `ask` call waits for an answer before it is denied. */
  timeoutMs?: number;
}

export interface PendingApproval {
  id: string;
  tool: string;
  /** The call's arguments, every value under a secret-looking key masked. */
  args: unknown;
  sessionKey?: string;
  agent?: string;
  createdAt: string;
  expiresAt: string;
}

/** Who answered: the RPC connection's subject and address. */
export interface Answerer {
  subject?: string;
  remoteAddress?: string;
  via: string;
}

export interface ApprovalsDeps {
  dataDir: string;
  config: ApprovalsConfig;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Gateway event to admin clients (`approval.requested` / `approval.resolved`). */
  emit(event: string, payload: unknown): void;
}

export const DEFAULT_APPROVAL_TIMEOUT_MS = 5 * 60_000;

interface Waiter {
  approval: PendingApproval;
  settle(verdict: string | undefined): void;
  timer: NodeJS.Timeout;
}

/** An answer to an approval that is not pending (answered, timed out, unknown id). */
export class ApprovalError extends Error {}

export class Approvals {
  readonly #deps: ApprovalsDeps;
  readonly #waiting = new Map<string, Waiter>();
  readonly #audit: AppendFile;
  #rules: Record<string, 'always-allow' | 'never'>;
  /** Serialises writes of pending.json so an older snapshot never lands after a newer one. */
  #saving: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(deps: ApprovalsDeps, rules: Record<string, 'always-allow' | 'never'>) {
    this.#deps = deps;
    this.#rules = rules;
    this.#audit = new AppendFile(join(deps.dataDir, 'audit.jsonl'));
  }

  /** Loads the rules and denies what a previous process left pending. */
  static async open(deps: ApprovalsDeps): Promise<Approvals> {
    const rules = (await readJson<{ rules?: Record<string, 'always-allow' | 'never'> }>(join(deps.dataDir, 'rules.json')))?.rules ?? {};
    const approvals = new Approvals(deps, rules);
    const left = (await readJson<{ pending?: PendingApproval[] }>(join(deps.dataDir, 'pending.json')))?.pending ?? [];
    for (const approval of left) {
      deps.log.warn({ approvalId: approval.id, tool: approval.tool, sessionKey: approval.sessionKey }, 'approval pending at restart: denied (the call that waited for it is gone)');
      await approvals.#record({ event: 'resolved', id: approval.id, tool: approval.tool, answer: 'deny', reason: 'restart', by: { via: 'restart' } });
    }
    if (left.length > 0) await approvals.#savePending();
    return approvals;
  }

  /** The mode that applies to a tool: a persisted answer first, then the config. */
  mode(tool: string): ApprovalMode | undefined {
    return this.#rules[tool] ?? this.#deps.config.tools?.[tool];
  }

  list(): PendingApproval[] {
    return [...this.#waiting.values()].map((waiter) => waiter.approval);
  }

  /** `undefined` to let the call run, else the reason it is denied. */
  async check(call: ToolCall): Promise<string | undefined> {
    const mode = this.mode(call.name);
    if (mode === undefined || mode === 'always-allow') return undefined;
    if (mode === 'never') return `tool "${call.name}" is never allowed (approval rule)`;
    if (this.#closed) return 'the gateway is shutting down; nobody can approve the call';
    return this.#ask(call);
  }

  async answer(id: string, answer: ApprovalAnswer, by: Answerer): Promise<PendingApproval> {
    const waiter = this.#waiting.get(id);
    if (waiter === undefined) throw new ApprovalError(`no pending approval ${JSON.stringify(id)} (answered already, timed out, or never asked; see approvals.list)`);
    const tool = waiter.approval.tool;
    if (answer === 'always' || answer === 'never') {
      this.#rules = { ...this.#rules, [tool]: answer === 'always' ? 'always-allow' : 'never' };
      await writeJsonAtomic(join(this.#deps.dataDir, 'rules.json'), { rules: this.#rules }, { mkdir: true });
    }
    const approved = answer === 'once' || answer === 'always';
    await this.#resolve(waiter, approved ? undefined : `the owner denied "${tool}" (approval ${id})`, { answer, by });
    return waiter.approval;
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

  async #ask(call: ToolCall): Promise<string | undefined> {
    const timeoutMs = this.#deps.config.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
    const now = Date.now();
    const agent = /^agent:([^:]+):/.exec(call.sessionKey ?? '')?.[1];
    const approval: PendingApproval = {
      id: randomUUID(),
      tool: call.name,
      args: maskArgs(call.args),
      ...(call.sessionKey !== undefined ? { sessionKey: call.sessionKey } : {}),
      ...(agent !== undefined ? { agent } : {}),
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + timeoutMs).toISOString(),
    };
    const verdict = new Promise<string | undefined>((resolve) => {
      const waiter: Waiter = {
        approval,
        settle: resolve,
        timer: setTimeout(() => {
          void this.#resolve(waiter, `no answer to approval ${approval.id} for "${call.name}" within ${formatMs(timeoutMs)} (approvals.timeoutMs)`, { answer: 'deny', reason: 'timeout', by: { via: 'timeout' } });
        }, timeoutMs),
      };
      this.#waiting.set(approval.id, waiter);
    });
    await this.#savePending();
    await this.#record({ event: 'requested', id: approval.id, tool: approval.tool, sessionKey: approval.sessionKey });
    this.#deps.log.info({ approvalId: approval.id, tool: approval.tool, sessionKey: approval.sessionKey }, 'tool call waits for approval');
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

  async #record(entry: Record<string, unknown>): Promise<void> {
    await (this.#dataDir ??= mkdir(this.#deps.dataDir, { recursive: true, mode: 0o700 }));
    return this.#audit.append(`${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
  }
}

/** Deep copy with the value of every secret-looking key (`apiKey`, `password`, `token`…) masked. */
export function maskArgs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskArgs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, looksSecretKey(key) ? REDACTED : maskArgs(child)]));
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file}: unreadable approvals state (${(error as Error).message}); fix or delete the file`);
  }
}
