/**
 * Which session an inbound message belongs to: DMs `agent:<agentId>:<channel>:dm:<peer>` (the
 * owner's DMs go to `agent:<agentId>:main` when `ownerSession` is "main"), groups
 * `agent:<agentId>:<channel>:group:<chatId>`. A platform id that does not fit the session-key
 * grammar (plugins/agent/session-key.ts) is encoded, never rejected.
 */
import { createHash } from 'node:crypto';
import { mainSessionKey } from '../../sdk/agent/index.ts';
import type { ChatType } from '../../sdk/channels/index.ts';

const PLAIN = /^[^\s:/\\%][^\s/\\%]{0,199}$/u;
const MAX_ID = 200;

/**
 * Injective: ids that fit (and hold no `%`) stay as they are; otherwise `%`, whitespace, `/`,
 * `\` and a leading `:` become %XX (UTF-8), and an id still too long becomes `%h` + SHA-256.
 * Only a hashed id starts with `%h` (a literal `%` is always encoded as `%25`).
 */
export function encodePeerId(id: string): string {
  if (PLAIN.test(id)) return id;
  const escape = (char: string) => [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  const encoded = id.replace(/^:/, escape).replace(/[\s/\\%]/gu, escape);
  if (encoded.length > 0 && encoded.length <= MAX_ID) return encoded;
  return `%h${createHash('sha256').update(id).digest('hex')}`;
}

export interface RouteInput {
  agentId?: string;
  channel: string;
  chatType: ChatType;
  /** The normalised sender (DM peer). */
  sender: string;
  chatId: string;
  owner: boolean;
  ownerSession: 'main' | 'dm';
}

export function sessionKeyFor(input: RouteInput): string {
  const agentId = input.agentId ?? 'main';
  if (input.chatType === 'group') return `agent:${agentId}:${input.channel}:group:${encodePeerId(input.chatId)}`;
  if (input.owner && input.ownerSession === 'main') return mainSessionKey(agentId);
  return `agent:${agentId}:${input.channel}:dm:${encodePeerId(input.sender)}`;
}
