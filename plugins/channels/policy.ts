/**
 * The shared DM/group policy, as one pure function: what happens to an inbound message given
 * the channel's settings and the senders approved through pairing. No I/O, no state.
 */
import type { ChannelInbound, ChannelSettings } from '../../sdk/channels/index.ts';

export type PolicyDecision =
  | { action: 'accept'; owner: boolean }
  | { action: 'pair' }
  | { action: 'drop'; reason: DropReason };

export type DropReason =
  | 'dm-disabled' | 'not-allowlisted' | 'group-disabled' | 'group-not-allowlisted' | 'not-mentioned';

export interface PolicyInput {
  settings: ChannelSettings;
  message: Pick<ChannelInbound, 'sender' | 'chatType' | 'chatId' | 'mentioned'>;
  /** Canonical form of a sender id (the adapter's `normalizeId`, else identity). */
  normalize(id: string): string;
  /** Senders approved through pairing, already normalised. */
  approved: ReadonlySet<string>;
}

function listed(list: readonly string[], id: string, normalize: (id: string) => string): boolean {
  return list.some((entry) => entry === '*' || normalize(entry) === id);
}

export function decide({ settings, message, normalize, approved }: PolicyInput): PolicyDecision {
  const sender = normalize(message.sender);
  const owner = settings.owners.some((entry) => normalize(entry) === sender);
  if (message.chatType === 'group') {
    if (settings.groupPolicy === 'disabled') return { action: 'drop', reason: 'group-disabled' };
    if (settings.groupPolicy === 'allowlist' && !settings.groupAllowFrom.some((id) => id === '*' || id === message.chatId)) {
      return { action: 'drop', reason: 'group-not-allowlisted' };
    }
    if (settings.requireMention && message.mentioned !== true) return { action: 'drop', reason: 'not-mentioned' };
    return { action: 'accept', owner };
  }
  if (settings.dmPolicy === 'disabled') return { action: 'drop', reason: 'dm-disabled' };
  if (owner || approved.has(sender) || listed(settings.allowFrom, sender, normalize)) return { action: 'accept', owner };
  // "open" without "*" in allowFrom is refused by the root schema; treated as an allowlist here.
  if (settings.dmPolicy === 'pairing') return { action: 'pair' };
  return { action: 'drop', reason: 'not-allowlisted' };
}
