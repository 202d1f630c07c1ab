/** Inbound messages → session keys: bindings pick the agent, session.dmScope the DM session. */
import { describe, expect, it } from 'vitest';
import { createAgentRoute, sessionKeyFor } from '../../../plugins/channels/session-route.ts';

const paths = { workspace: '/w/main', home: '/home/u' };
const dm = { channel: 'irc', chatType: 'dm' as const, sender: 'alice', chatId: 'alice', owner: false, ownerSession: 'main' as const };

describe('agent route', () => {
  it('session.dmScope: per-channel-peer (default), per-peer, main; the owner and groups are unchanged', () => {
    expect(sessionKeyFor(dm)).toBe('agent:main:irc:dm:alice');
    expect(sessionKeyFor({ ...dm, dmScope: 'per-channel-peer' })).toBe('agent:main:irc:dm:alice');
    expect(sessionKeyFor({ ...dm, agentId: 'work', dmScope: 'per-peer' })).toBe('agent:work:peer:dm:alice');
    expect(sessionKeyFor({ ...dm, channel: 'telegram', agentId: 'work', dmScope: 'per-peer' })).toBe('agent:work:peer:dm:alice');
    expect(sessionKeyFor({ ...dm, agentId: 'work', dmScope: 'main' })).toBe('agent:work:main');
    expect(sessionKeyFor({ ...dm, owner: true })).toBe('agent:main:main');
    expect(sessionKeyFor({ ...dm, chatType: 'group', chatId: '#ops', dmScope: 'main' })).toBe('agent:main:irc:group:#ops');
  });

  it('routes by the bindings of the config, with its dmScope', () => {
    const route = createAgentRoute({
      agents: { list: [{ id: 'work' }] },
      bindings: [{ agentId: 'work', match: { channel: 'irc' } }],
      session: { dmScope: 'per-peer' },
    }, paths);
    expect(route({ channel: 'irc', chatType: 'dm', sender: 'alice', chatId: 'alice' })).toEqual({ agentId: 'work', dmScope: 'per-peer' });
    expect(route({ channel: 'slack', chatType: 'dm', sender: 'alice', chatId: 'alice' })).toEqual({ agentId: 'main', dmScope: 'per-peer' });
    expect(createAgentRoute({}, paths)({ channel: 'irc', chatType: 'dm', sender: 'a', chatId: 'a' })).toEqual({ agentId: 'main', dmScope: 'per-channel-peer' });
  });
});
