/**
 * `agents.list` + `agents.defaults` + the `agent` block → the roster of agents, and `bindings`
 * → which agent answers a message. Config errors name their paths (both, for a pair).
 */
import { describe, expect, it } from 'vitest';
import { agentRoster, compileBindings, resolveAgentRoster } from '../../../sdk/agent/index.ts';
import { isMoltbotError } from '../../../sdk/core/index.ts';

const options = { mainWorkspace: '/w/main', home: '/home/u' };

function configError(work: () => unknown): { message: string; path?: string; fix?: string } {
  try {
    work();
  } catch (error) {
    if (isMoltbotError(error) && error.code === 'MOLT_ERR_CONFIG_INVALID') return error as unknown as { message: string; path?: string; fix?: string };
    throw error;
  }
  throw new Error('expected MOLT_ERR_CONFIG_INVALID');
}

describe('agent roster', () => {
  it('without agents.list there is one agent, main, from the agent block', () => {
    const roster = resolveAgentRoster({ agent: { model: 'fake/a', fallbacks: ['fake/b'], systemPrompt: 'hi' } }, options);
    expect(roster.list.map((agent) => agent.id)).toEqual(['main']);
    expect(roster.defaultId).toBe('main');
    expect(roster.get('main')).toMatchObject({ model: 'fake/a', fallbacks: ['fake/b'], workspace: '/w/main', systemPrompt: 'hi', isDefault: true });
  });

  it('entries inherit agents.defaults and override it; main keeps the agent block', () => {
    const roster = resolveAgentRoster({
      agent: { model: 'fake/main' },
      agents: {
        defaults: { model: { primary: 'fake/base', fallbacks: ['fake/spare'] }, tools: { deny: ['exec'] }, identity: { emoji: '🦞' } },
        list: [
          { id: 'work', name: 'Work', workspace: '~/work', tools: { allow: ['group:fs'] } },
          { id: 'family', model: 'fake/cheap', identity: { name: 'Nana' } },
        ],
      },
    }, options);
    expect(roster.list.map((agent) => agent.id)).toEqual(['main', 'work', 'family']);
    expect(roster.get('main')).toMatchObject({ model: 'fake/main', workspace: '/w/main' });
    expect(roster.get('work')).toMatchObject({ name: 'Work', model: 'fake/base', fallbacks: ['fake/spare'], workspace: '/home/u/work', tools: { allow: ['group:fs'] }, identity: { emoji: '🦞' } });
    // No workspace of its own: a sibling folder, never another agent's.
    expect(roster.get('family')).toMatchObject({ model: 'fake/cheap', workspace: '/w/main-family', tools: { deny: ['exec'] }, identity: { name: 'Nana', emoji: '🦞' } });
  });

  it('checks an agent\'s own tool limits: deny wins, groups expand, an empty allow allows all', () => {
    const roster = resolveAgentRoster({ agents: { list: [
      { id: 'reader', tools: { allow: ['group:fs', 'mcp__docs__*'], deny: ['write'] } },
      { id: 'open' },
    ] } }, options);
    expect(roster.toolRefusal('reader', 'read')).toBeUndefined();
    expect(roster.toolRefusal('reader', 'mcp__docs__search')).toBeUndefined();
    expect(roster.toolRefusal('reader', 'write')).toContain('agents.list[0].tools.deny');
    expect(roster.toolRefusal('reader', 'exec')).toContain('agents.list[0].tools.allow');
    expect(roster.toolRefusal('open', 'exec')).toBeUndefined();
    expect(roster.toolRefusal('ghost', 'read')).toContain('not configured');
  });

  it('memory.enabled false takes the memory tools away; skills limit skill_read by name', () => {
    const roster = resolveAgentRoster({ agents: { defaults: { skills: ['github'] }, list: [{ id: 'kid', memory: { enabled: false } }] } }, options);
    expect(roster.toolRefusal('kid', 'memory_search')).toContain('agents.list[0].memory.enabled is false');
    expect(roster.toolRefusal('main', 'memory_search')).toBeUndefined();
    expect(roster.toolRefusal('kid', 'skill_read', { name: 'github' })).toBeUndefined();
    expect(roster.toolRefusal('kid', 'skill_read', { name: 'shell' })).toContain('agents.list[0].skills');
    expect(roster.toolRefusal('main', 'skill_read', { name: 'shell' })).toContain('agents.defaults.skills');
  });

  it('a duplicate id is an error naming both entries', () => {
    const error = configError(() => resolveAgentRoster({ agents: { list: [{ id: 'a' }, { id: 'b' }, { id: 'a' }] } }, options));
    expect(error.path).toBe('agents.list[2].id');
    expect(error.message).toContain('agents.list[0].id');
  });

  it('two default agents, and OpenClaw\'s agentDir, are errors with a fix', () => {
    const twoDefaults = configError(() => resolveAgentRoster({ agents: { list: [{ id: 'a', default: true }, { id: 'b', default: true }] } }, options));
    expect(twoDefaults.message).toContain('agents.list[0].default');
    expect(twoDefaults.message).toContain('agents.list[1].default');
    const agentDir = configError(() => resolveAgentRoster({ agents: { list: [{ id: 'a', agentDir: '~/.openclaw/agents/a' }] } }, options));
    expect(agentDir.path).toBe('agents.list[0].agentDir');
    expect(agentDir.fix).toContain('Remove');
  });

  it('is memoized per config object', () => {
    const config = Object.freeze({ agents: { list: [{ id: 'a' }] } });
    expect(agentRoster(config, options)).toBe(agentRoster(config, options));
    expect(agentRoster({ ...config }, options)).not.toBe(agentRoster(config, options));
  });
});

describe('bindings', () => {
  const config = {
    agents: { list: [{ id: 'home', default: true }, { id: 'work' }, { id: 'ops' }] },
    bindings: [
      { agentId: 'work', match: { channel: 'slack' } },
      { agentId: 'ops', match: { channel: 'slack', peer: 'U42' } },
      { agentId: 'ops', match: { channel: 'irc', peer: { kind: 'group', id: '#ops' } } },
      { agentId: 'work', match: { channel: 'telegram', accountId: 'default' } },
    ],
  };
  const router = compileBindings(config, resolveAgentRoster(config, options));
  const dm = (channel: string, sender: string) => ({ channel, chatType: 'dm' as const, sender, chatId: sender });

  it('the most specific match wins; unmatched traffic goes to the default agent', () => {
    expect(router.route(dm('slack', 'U1'))).toBe('work');
    expect(router.route(dm('slack', 'U42'))).toBe('ops');
    expect(router.route({ channel: 'irc', chatType: 'group', sender: 'bob', chatId: '#ops' })).toBe('ops');
    expect(router.route({ channel: 'irc', chatType: 'group', sender: 'bob', chatId: '#lobby' })).toBe('home');
    expect(router.route(dm('telegram', '7'))).toBe('work');
    expect(router.route({ ...dm('telegram', '7'), accountId: 'other' })).toBe('home');
    expect(router.route(dm('irc', 'alice'))).toBe('home');
  });

  it('without a default entry, unmatched traffic goes to main', () => {
    const plain = { agents: { list: [{ id: 'work' }] }, bindings: [{ agentId: 'work', match: { channel: 'irc' } }] };
    const route = compileBindings(plain, resolveAgentRoster(plain, options));
    expect(route.route(dm('irc', 'x'))).toBe('work');
    expect(route.route(dm('webchat', 'x'))).toBe('main');
  });

  it('a binding to an unknown agent names the binding and the agents there are', () => {
    const bad = { agents: { list: [{ id: 'work' }] }, bindings: [{ agentId: 'work' }, { agentId: 'wrok', match: { channel: 'irc' } }] };
    const error = configError(() => compileBindings(bad, resolveAgentRoster(bad, options)));
    expect(error.path).toBe('bindings[1].agentId');
    expect(error.message).toContain('"wrok"');
    expect(error.message).toContain('main, work');
  });

  it('two bindings with the same match are ambiguous: the error names both paths', () => {
    const bad = {
      agents: { list: [{ id: 'a' }, { id: 'b' }] },
      bindings: [{ agentId: 'a', match: { channel: 'irc', peer: 'alice' } }, { agentId: 'a', match: { channel: 'slack' } }, { agentId: 'b', match: { peer: { kind: 'direct', id: 'alice' }, channel: 'irc' } }],
    };
    const error = configError(() => compileBindings(bad, resolveAgentRoster(bad, options)));
    expect(error.message).toContain('bindings[0]');
    expect(error.message).toContain('bindings[2]');
  });
});
