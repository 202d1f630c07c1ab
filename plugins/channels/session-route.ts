/**
 * Which session an inbound message belongs to: DMs `agent:<agentId>:<channel>:dm:<peer>` (the
 * owner's DMs go to `agent:<agentId>:main` when `ownerSession` is "main"), groups
 * `agent:<agentId>:<channel>:group:<chatId>`. A platform id that does not fit the session-key
 * grammar (plugins/agent/session-key.ts) is encoded, never rejected.
 */
import { createHash } from 'node:crypto';
import { agentRoster, compileBindings, configErrorsOf, mainSessionKey } from '../../sdk/agent/index.ts';
import type { RouteFacts } from '../../sdk/agent/index.ts';
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
  /** `session.dmScope`: main (every DM in the agent's main session), per-peer, per-channel-peer (default). */
  dmScope?: DmScope;
}

export type DmScope = 'main' | 'per-peer' | 'per-channel-peer';

/** The pseudo-channel of per-peer DM sessions: one session per sender, whatever channel it writes on. */
export const ANY_CHANNEL = 'peer';

export function sessionKeyFor(input: RouteInput): string {
  const agentId = input.agentId ?? 'main';
  if (input.chatType === 'group') return `agent:${agentId}:${input.channel}:group:${encodePeerId(input.chatId)}`;
  if (input.owner && input.ownerSession === 'main') return mainSessionKey(agentId);
  if (input.dmScope === 'main') return mainSessionKey(agentId);
  const channel = input.dmScope === 'per-peer' ? ANY_CHANNEL : input.channel;
  return `agent:${agentId}:${channel}:dm:${encodePeerId(input.sender)}`;
}

/** Which agent and DM scope a message gets: `bindings` (checked by the agent plugin) and `session.dmScope`. */
export type AgentRoute = (facts: RouteFacts) => { agentId: string; dmScope: DmScope };

export function createAgentRoute(config: Readonly<Record<string, any>>, paths: { workspace: string; home: string }): AgentRoute {
  const router = configErrorsOf('channels', () => compileBindings(config, agentRoster(config, { mainWorkspace: paths.workspace, home: paths.home })));
  const dmScope: DmScope = config['session']?.dmScope ?? 'per-channel-peer';
  return (facts) => ({ agentId: router.route(facts), dmScope });
}
