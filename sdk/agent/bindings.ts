/**
 * `bindings`: which agent answers an inbound channel message. Each binding names an `agentId`
 * and matches channel facts (`channel`, `accountId`, a DM `peer`, a `group`); the most specific
 * matching binding wins (a peer or group beats an account, an account beats a bare channel),
 * and unmatched traffic goes to the default agent. OpenClaw's `peer: { kind, id }` is accepted
 * (`kind` "direct"/"dm" is a peer, "group"/"channel" a group), and `accountId: "*"` means any
 * account. Channels have one account each today, named "default".
 *
 * Config errors (MOLT_ERR_CONFIG_INVALID) name both paths: a binding to an agent that does not
 * exist, and two bindings with the same match (they are equally specific for the same traffic,
 * so neither could win).
 */
import { MoltbotError } from '../../core/errors.ts';
import type { AgentRoster } from './agents-config.ts';

export const DEFAULT_ACCOUNT_ID = 'default';

export interface RouteFacts {
  channel: string;
  /** The channel account the message came in on (default "default"). */
  accountId?: string;
  chatType: 'dm' | 'group';
  /** The normalised sender. */
  sender: string;
  chatId: string;
}

export interface AgentRouter {
  /** The agent for a message: the most specific binding's, else the default agent. */
  route(facts: RouteFacts): string;
  readonly bindings: readonly CompiledBinding[];
}

export interface CompiledBinding {
  agentId: string;
  channel?: string;
  accountId?: string;
  peer?: string;
  group?: string;
  /** Higher wins: peer/group 4, accountId 2, channel 1. */
  score: number;
  path: string;
}

type Raw = Record<string, any>;

const invalid = (path: string, message: string, fix: string) => new MoltbotError('MOLT_ERR_CONFIG_INVALID', { message: `${path}: ${message}`, path, fix });

function compileOne(binding: Raw, path: string): CompiledBinding {
  const match: Raw = binding['match'] ?? {};
  let peer: string | undefined;
  let group: string | undefined;
  const rawPeer = match['peer'];
  if (typeof rawPeer === 'string') peer = rawPeer;
  else if (typeof rawPeer === 'object' && rawPeer !== null) {
    const kind = String(rawPeer.kind ?? 'direct');
    if (kind === 'direct' || kind === 'dm') peer = String(rawPeer.id);
    else if (kind === 'group' || kind === 'channel') group = String(rawPeer.id);
    else throw invalid(`${path}.match.peer.kind`, `unknown peer kind ${JSON.stringify(kind)}`, 'Use "direct" (a DM peer) or "group".');
  }
  if (match['group'] !== undefined) {
    if (group !== undefined) throw invalid(`${path}.match.group`, 'the group is given twice (match.peer with kind "group" and match.group)', 'Keep one of them.');
    group = String(match['group']);
  }
  if (peer !== undefined && group !== undefined) throw invalid(`${path}.match`, 'a message is either a DM (peer) or in a group, never both', 'Split it into two bindings.');
  const accountId = match['accountId'] === '*' ? undefined : match['accountId'];
  const channel = match['channel'];
  const score = (peer !== undefined || group !== undefined ? 4 : 0) + (accountId !== undefined ? 2 : 0) + (channel !== undefined ? 1 : 0);
  return {
    agentId: binding['agentId'],
    ...(channel !== undefined ? { channel } : {}),
    ...(accountId !== undefined ? { accountId } : {}),
    ...(peer !== undefined ? { peer } : {}),
    ...(group !== undefined ? { group } : {}),
    score,
    path,
  };
}

const sameMatch = (a: CompiledBinding, b: CompiledBinding) => a.channel === b.channel && a.accountId === b.accountId && a.peer === b.peer && a.group === b.group;

/** Compiles and checks `bindings` against the roster; throws MOLT_ERR_CONFIG_INVALID naming the paths. */
export function compileBindings(config: Readonly<Raw>, roster: AgentRoster): AgentRouter {
  const raw: Raw[] = Array.isArray(config['bindings']) ? config['bindings'] : [];
  const compiled: CompiledBinding[] = [];
  raw.forEach((binding, index) => {
    const path = `bindings[${index}]`;
    const one = compileOne(binding, path);
    if (roster.get(one.agentId) === undefined) {
      const known = roster.list.map((agent) => agent.id).join(', ');
      const declared = roster.list.length > 1 ? 'agents.list' : 'agents.list (empty: only "main")';
      throw invalid(`${path}.agentId`, `agent "${one.agentId}" does not exist (${declared} has ${known})`, `Add an entry with id "${one.agentId}" to agents.list, or bind to one of: ${known}.`);
    }
    const twin = compiled.find((other) => sameMatch(other, one));
    if (twin !== undefined) {
      throw invalid(path, `${twin.path} and ${path} match the same traffic equally specifically (agents "${twin.agentId}" and "${one.agentId}")`, `Remove one of ${twin.path} and ${path}, or make one more specific (add accountId, peer or group).`);
    }
    compiled.push(one);
  });
  // Most specific first: the first match is the winner (equal scores cannot both match, see above).
  const ordered = [...compiled].sort((a, b) => b.score - a.score);
  const defaultId = roster.defaultId;
  return {
    bindings: compiled,
    route(facts) {
      if (ordered.length === 0) return defaultId;
      const account = facts.accountId ?? DEFAULT_ACCOUNT_ID;
      for (const binding of ordered) {
        if (binding.channel !== undefined && binding.channel !== facts.channel) continue;
        if (binding.accountId !== undefined && binding.accountId !== account) continue;
        if (binding.peer !== undefined && (facts.chatType !== 'dm' || binding.peer !== facts.sender)) continue;
        if (binding.group !== undefined && (facts.chatType !== 'group' || binding.group !== facts.chatId)) continue;
        return binding.agentId;
      }
      return defaultId;
    },
  };
}
