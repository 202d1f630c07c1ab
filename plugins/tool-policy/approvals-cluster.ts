/**
 * Approvals across gateway instances, over the `event-bus` service (`events-redis`). The call
 * waits on the instance that runs it — the owner instance — and only that instance decides:
 * it publishes `requested` / `resolved`, so every instance lists (and shows its admin clients)
 * what waits anywhere; an answer given on another instance (RPC, CLI, a DM arriving where the
 * channel runs) is forwarded to the owner, which answers it and replies with the outcome.
 * Without an event bus this is the local list and answer, unchanged.
 *
 * The owner's `always` / `never` answers are published too, and every instance stores them.
 *
 * Limits (pub/sub is at-most-once): an instance that starts later does not list what was
 * requested before it subscribed, nor learn rules stored while it was down; a forwarded answer
 * the owner never receives fails after FORWARD_TIMEOUT_MS and can be given again.
 */
import { randomUUID } from 'node:crypto';
import type { EventBus } from '../../sdk/agent/index.ts';
import { ApprovalError, type Answerer, type AnswerOptions, type ApprovalAnswer, type Approvals, type PendingApproval, type StoredRule } from './approvals.ts';

export const APPROVALS_TOPIC = 'tool-policy.approvals';
export const FORWARD_TIMEOUT_MS = 10_000;

type Message =
  | { type: 'requested'; from: string; approval: PendingApproval }
  | { type: 'resolved'; from: string; payload: { id: string } }
  | { type: 'rule'; from: string; rule: StoredRule }
  | { type: 'answer'; from: string; to: string; request: string; id: string; answer: ApprovalAnswer; by: Answerer; options: AnswerOptions }
  | { type: 'answered'; from: string; to: string; request: string; approval?: PendingApproval; error?: string };

/** What RPC, the CLI and DMs answer through. */
export interface ApprovalDesk {
  list(): PendingApproval[];
  answer(id: string, answer: ApprovalAnswer, by: Answerer, options?: AnswerOptions): Promise<PendingApproval>;
}

export interface ClusterDeskDeps {
  /** This instance's approvals; undefined until they are opened at start. */
  local(): Approvals | undefined;
  bus: EventBus | undefined;
  /** Another instance's approval.requested / approval.resolved, for this instance's admin clients. */
  relay(event: string, payload: unknown): void;
  log: { warn(obj: object, msg: string): void };
}

export function createApprovalDesk(deps: ClusterDeskDeps): ApprovalDesk & { publish(event: string, payload: unknown): void; close(): void } {
  const { bus } = deps;
  const instance = randomUUID();
  const remote = new Map<string, { approval: PendingApproval; owner: string }>();
  const forwarded = new Map<string, { resolve(approval: PendingApproval): void; reject(error: Error): void }>();

  const onMessage = (raw: unknown) => {
    const message = raw as Message;
    if (message.from === instance) return;
    if (message.type === 'requested') {
      remote.set(message.approval.id, { approval: message.approval, owner: message.from });
      deps.relay('approval.requested', message.approval);
    } else if (message.type === 'resolved') {
      if (remote.delete(message.payload.id)) deps.relay('approval.resolved', message.payload);
    } else if (message.type === 'rule') {
      // Every instance keeps the owner's always / never answers, so the next call is not asked anywhere.
      // (Before this instance's approvals are open the rule is missed, as if it had been down.)
      deps.local()?.learn(message.rule).then(() => deps.relay('approval.rule', message.rule), (error: unknown) => deps.log.warn({ err: error }, 'approval rule from another instance not stored'));
    } else if (message.type === 'answer' && message.to === instance) {
      const local = deps.local();
      if (local === undefined) return;
      local.answer(message.id, message.answer, { ...message.by, via: `${message.by.via}@${message.from}` }, message.options).then(
        (approval) => bus!.publish(APPROVALS_TOPIC, { type: 'answered', from: instance, to: message.from, request: message.request, approval }),
        (error: unknown) => bus!.publish(APPROVALS_TOPIC, { type: 'answered', from: instance, to: message.from, request: message.request, error: error instanceof ApprovalError ? error.message : 'the owner instance could not record the answer' }),
      );
    } else if (message.type === 'answered' && message.to === instance) {
      const waiter = forwarded.get(message.request);
      forwarded.delete(message.request);
      if (message.approval !== undefined) waiter?.resolve(message.approval);
      else waiter?.reject(new ApprovalError(message.error ?? 'the owner instance refused the answer'));
    }
  };
  const unsubscribe = bus?.subscribe(APPROVALS_TOPIC, onMessage);
  const opened = (): Approvals => {
    const local = deps.local();
    if (local === undefined) throw new Error('tool-policy: approvals are opened when the kernel starts');
    return local;
  };

  return {
    list() {
      const local = opened();
      // An owner that died mid-wait never says "resolved": what expired is gone, whatever was heard.
      const now = Date.now();
      for (const [id, entry] of remote) if (Date.parse(entry.approval.expiresAt) <= now) remote.delete(id);
      return [...local.list(), ...[...remote.values()].map((entry) => entry.approval)];
    },
    async answer(id, answer, by, options = {}) {
      const elsewhere = remote.get(id);
      const local = opened();
      if (local.has(id) || elsewhere === undefined || bus === undefined) return local.answer(id, answer, by, options);
      const request = randomUUID();
      return new Promise<PendingApproval>((resolve, reject) => {
        const timer = setTimeout(() => {
          forwarded.delete(request);
          reject(new ApprovalError(`the instance running the call (${elsewhere.owner}) did not confirm the answer within ${FORWARD_TIMEOUT_MS / 1000}s; see approvals.list and answer again`));
        }, FORWARD_TIMEOUT_MS);
        forwarded.set(request, {
          resolve: (approval) => { clearTimeout(timer); resolve(approval); },
          reject: (error) => { clearTimeout(timer); reject(error); },
        });
        bus.publish(APPROVALS_TOPIC, { type: 'answer', from: instance, to: elsewhere.owner, request, id, answer, by, options });
      });
    },
    /** This instance's own approval events, for the others. */
    publish(event, payload) {
      if (bus === undefined) return;
      if (event === 'approval.requested') bus.publish(APPROVALS_TOPIC, { type: 'requested', from: instance, approval: payload as PendingApproval });
      else if (event === 'approval.resolved') bus.publish(APPROVALS_TOPIC, { type: 'resolved', from: instance, payload: payload as { id: string } });
      else if (event === 'approval.rule') bus.publish(APPROVALS_TOPIC, { type: 'rule', from: instance, rule: payload as StoredRule });
    },
    close() {
      unsubscribe?.();
      for (const waiter of forwarded.values()) waiter.reject(new ApprovalError('the gateway is shutting down'));
      forwarded.clear();
    },
  };
}
