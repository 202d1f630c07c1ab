/**
 * Approvals by DM on a channel (`approvals.notify: [{ channel, to }]`): each pending approval is
 * sent to the owner there, and the owner answers in a DM with `/approve <id> [always]` or
 * `/deny <id> [never]`. The answer is taken in `messageReceived` (after the channel's DM
 * policy), so it never reaches the agent. Only a sender who is an owner of that channel
 * (`channels.<id>.owners`, compared the way the channel normalises ids) may answer, and only
 * on a channel named in `notify`; anyone else gets a refusal, which is audited.
 */
import type { InboundMessage, MessageDrop } from '../../sdk/core/index.ts';
import type { ChannelsService } from '../../sdk/channels/index.ts';
import type { Answerer, ApprovalAnswer, PendingApproval } from './approvals.ts';

export interface NotifyTarget {
  channel: string;
  to: string;
}

export interface DmApprovalsDeps {
  notify: readonly NotifyTarget[];
  channels(): ChannelsService | undefined;
  answer(id: string, answer: ApprovalAnswer, by: Answerer): Promise<PendingApproval>;
  audit(entry: Record<string, unknown>): Promise<void>;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

const COMMAND = /^\/(approve|deny)(?:\s+(\S+))?(?:\s+(\S+))?\s*$/i;
const CONFIG_PATH = 'agents.defaults.sandbox.approvals.notify';

/** `/approve <id> [always]` / `/deny <id> [never]` → the answer, or a usage text. */
export function parseApprovalCommand(text: string): { id: string; answer: ApprovalAnswer } | { usage: string } | undefined {
  const match = COMMAND.exec(text.trim());
  if (match === null) return undefined;
  const [, verb, id, extra] = match;
  const approve = verb!.toLowerCase() === 'approve';
  const modifier = extra?.toLowerCase();
  if (id === undefined || (modifier !== undefined && modifier !== (approve ? 'always' : 'never'))) {
    return { usage: approve ? 'usage: /approve <id> [always]' : 'usage: /deny <id> [never]' };
  }
  return { id, answer: approve ? (modifier === 'always' ? 'always' : 'once') : (modifier === 'never' ? 'never' : 'deny') };
}

export function notificationText(approval: PendingApproval): string {
  const minutes = Math.max(1, Math.round((Date.parse(approval.expiresAt) - Date.parse(approval.createdAt)) / 60_000));
  return `Approval ${approval.id}: ${approval.reason}. Tool ${approval.tool} ${JSON.stringify(approval.args)}, agent ${approval.agent}, session ${approval.sessionKey ?? '-'}. `
    + `Reply /approve ${approval.id} [always] or /deny ${approval.id} [never] within ${minutes} min (no answer = deny).`;
}

export function createDmApprovals(deps: DmApprovalsDeps) {
  const channelsNamed = new Set(deps.notify.map((target) => target.channel));
  const reply = (message: InboundMessage, text: string) => {
    const channels = deps.channels();
    if (channels === undefined || message.chatId === undefined) return;
    channels.send(message.channel, { chatType: message.chatType, chatId: message.chatId }, text).catch((error: unknown) => {
      deps.log.warn({ err: error, channel: message.channel }, 'approval reply not sent');
    });
  };

  return {
    /** At start: every notify target is a known channel and one of its owners, else a config error. */
    check(): string[] {
      if (deps.notify.length === 0) return [];
      const channels = deps.channels();
      const known = new Set(channels?.status().map((status) => status.id) ?? []);
      return deps.notify.flatMap((target, index) => {
        if (!known.has(target.channel)) return [` - ${CONFIG_PATH}[${index}].channel: no channel "${target.channel}" is running (configure channels.${target.channel}, or remove the entry)`];
        if (!channels!.isOwnerChat(target.channel, { chatType: 'dm', chatId: target.to })) {
          return [` - ${CONFIG_PATH}[${index}].to: "${target.to}" is not in channels.${target.channel}.owners; add it there, so its /approve answers count`];
        }
        return [];
      });
    },

    /** On `approval.requested`: a DM to each notify target (queued by the channel while it is disconnected). */
    notify(approval: PendingApproval): void {
      const channels = deps.channels();
      if (channels === undefined) return;
      for (const target of deps.notify) {
        channels.send(target.channel, { chatType: 'dm', chatId: target.to }, notificationText(approval)).catch((error: unknown) => {
          deps.log.warn({ err: error, channel: target.channel, approvalId: approval.id }, 'approval notification not sent');
        });
      }
    },

    /** The `messageReceived` tap: an approval command is answered (or refused) here and kept from the agent. */
    async onMessage(message: InboundMessage): Promise<MessageDrop | undefined> {
      const command = parseApprovalCommand(message.text);
      if (command === undefined) return undefined;
      const refusal = message.chatType !== 'dm' ? 'not a DM'
        : !channelsNamed.has(message.channel) ? 'not a notify channel'
        : deps.channels()?.isOwnerChat(message.channel, { chatType: 'dm', chatId: message.sender }) !== true ? 'not an owner'
        : undefined;
      if (refusal !== undefined) {
        deps.log.warn({ channel: message.channel, sender: message.sender, chatType: message.chatType, reason: refusal }, 'approval answer refused');
        await deps.audit({ event: 'refused', ...('id' in command ? { id: command.id } : {}), by: { subject: message.sender, via: `channel:${message.channel}` }, reason: refusal });
        reply(message, message.chatType === 'dm' ? 'You may not answer approvals.' : 'Approvals are answered by the owner in a DM.');
        return { drop: true, reason: 'approval-refused' };
      }
      if ('usage' in command) {
        reply(message, command.usage);
        return { drop: true, reason: 'approval-answer' };
      }
      try {
        const approval = await deps.answer(command.id, command.answer, { subject: message.sender, via: `channel:${message.channel}` });
        const approved = command.answer === 'once' || command.answer === 'always';
        const rule = command.answer === 'always' ? ' (allowed from now on)' : command.answer === 'never' ? ' (denied from now on)' : '';
        reply(message, `${approved ? 'Approved' : 'Denied'} ${approval.id} (${approval.tool})${rule}.`);
      } catch (error) {
        reply(message, (error as Error).message);
      }
      return { drop: true, reason: 'approval-answer' };
    },
  };
}
