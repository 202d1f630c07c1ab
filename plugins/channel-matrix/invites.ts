/**
 * Whether to join a room the bot was invited to. Joining is what lets anyone talk to the bot
 * in that room, so it follows the channel's policy, never "anyone who invites":
 *
 * - the inviter is an owner, in `allowFrom` (`"*"` counts only with dmPolicy "open"), or was
 *   approved through pairing → join (a DM or a room);
 * - the room id is listed in `groupAllowFrom` → join, whoever invited (the operator named
 *   the room; a `"*"` there does not count: it would join every room anyone invites to);
 * - under dmPolicy "pairing", a direct invite (`is_direct`) from anyone else → join, so the
 *   sender can be given a pairing code; nothing reaches the agent before approval;
 * - anything else is left pending (not joined, logged once).
 */
import type { ChannelSettings } from '../../sdk/channels/index.ts';
import type { MatrixEvent } from './client.ts';

export type InviteDecision = { join: true; direct: boolean; why: string } | { join: false; direct: boolean; why: string };

export interface InviteInput {
  roomId: string;
  botUserId: string;
  events: MatrixEvent[];
  settings: ChannelSettings;
  /** Senders approved through pairing (normalised ids). */
  approved: readonly string[];
  normalize(id: string): string;
}

export function decideInvite(input: InviteInput): InviteDecision & { inviter: string | undefined } {
  const own = input.events.find((e) => e.type === 'm.room.member' && e.state_key === input.botUserId && e.content?.['membership'] === 'invite');
  const inviter = own?.sender;
  const direct = own?.content?.['is_direct'] === true;
  const { settings } = input;
  const result = (join: boolean, why: string) => ({ join, direct, why, inviter }) as InviteDecision & { inviter: string | undefined };
  if (settings.groupAllowFrom.includes(input.roomId)) return result(true, 'room in groupAllowFrom');
  if (inviter === undefined) return result(false, 'no invite event for the bot');
  const who = input.normalize(inviter);
  const listed = (list: readonly string[]) => list.map(input.normalize).includes(who);
  if (settings.dmPolicy !== 'disabled' && listed(settings.owners)) return result(true, 'inviter is an owner');
  if (settings.dmPolicy !== 'disabled' && listed(settings.allowFrom)) return result(true, 'inviter in allowFrom');
  if (settings.dmPolicy === 'open' && settings.allowFrom.includes('*')) return result(true, 'dmPolicy open');
  if (settings.dmPolicy !== 'disabled' && input.approved.map(input.normalize).includes(who)) return result(true, 'inviter approved through pairing');
  if (settings.dmPolicy === 'pairing' && direct) return result(true, 'direct invite under dmPolicy pairing (the sender gets a code)');
  return result(false, 'inviter not allowed');
}
