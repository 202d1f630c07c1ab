/**
 * Session keys: `agent:<agentId>:main` (the owner's main session) and
 * `agent:<agentId>:<channel>:dm:<peer>` / `agent:<agentId>:<channel>:group:<id>`. Main vs
 * non-main decides the sandbox policy of tools.
 */
import { AgentError } from './agent-error.ts';

export interface SessionKeyParts {
  agentId: string;
  main: boolean;
  channel?: string;
  chatType?: 'dm' | 'group';
  peer?: string;
}

const ID = '[a-z0-9][a-z0-9_-]{0,63}';
const MAIN = new RegExp(`^agent:(${ID}):main$`, 'i');
const OTHER = new RegExp(`^agent:(${ID}):(${ID}):(dm|group):([^\\s:/\\\\][^\\s/\\\\]{0,199})$`, 'i');

export function parseSessionKey(key: unknown): SessionKeyParts {
  if (typeof key === 'string') {
    const main = MAIN.exec(key);
    if (main) return { agentId: main[1]!, main: true };
    const other = OTHER.exec(key);
    if (other) return { agentId: other[1]!, main: false, channel: other[2]!, chatType: other[3]!.toLowerCase() as 'dm' | 'group', peer: other[4]! };
  }
  throw new AgentError('INVALID_SESSION_KEY', `invalid session key ${JSON.stringify(key)}: expected "agent:<agentId>:main" or "agent:<agentId>:<channel>:dm|group:<id>"`);
}

export function mainSessionKey(agentId = 'main'): string {
  return `agent:${agentId}:main`;
}
