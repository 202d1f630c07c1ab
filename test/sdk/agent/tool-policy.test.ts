/** FS-11 and the sandbox-mode rules of the tool policy (security-tests §4.5). */
import { describe, expect, it } from 'vitest';
import { isMoltbotError } from '../../../core/errors.ts';
import { createToolPolicy, DEFAULT_SANDBOX_DENY, GUIDE_TOOLS } from '../../../sdk/agent/tool-policy.ts';

const MAIN = 'agent:main:main';
const GROUP = 'agent:main:telegram:group:42';

describe('tool policy', () => {
  it('recognises every tool name of the deployment guide', () => {
    expect(() => createToolPolicy({ allowlist: [...GUIDE_TOOLS], denylist: [...GUIDE_TOOLS] }, [])).not.toThrow();
  });

  it('SB-19 mode non-main: the main session is not sandboxed, group/dm sessions and keyless calls are', () => {
    const policy = createToolPolicy({ mode: 'non-main' }, []);
    expect(policy.sandboxed(MAIN)).toBe(false);
    expect(policy.sandboxed(GROUP)).toBe(true);
    expect(policy.sandboxed('agent:main:webchat:dm:alice')).toBe(true);
    expect(policy.sandboxed(undefined)).toBe(true);
    expect(policy.check('exec', MAIN)).toBeUndefined();
    expect(policy.check('exec', GROUP)).toMatchInlineSnapshot(`"tool "exec" is denied in sandboxed sessions (the default sandbox denylist)"`);
    expect(policy.check('read', GROUP)).toBeUndefined();
  });

  it('modes off and all', () => {
    expect(createToolPolicy({ mode: 'off' }, []).check('exec', GROUP)).toBeUndefined();
    expect(createToolPolicy({ mode: 'all' }, []).check('exec', MAIN)).toMatch(/denied/);
  });

  it('FS-11 deny beats allow; group aliases expand; an allowlist limits sandboxed sessions', () => {
    const policy = createToolPolicy({ allowlist: ['group:fs', 'exec', 'weather'], denylist: ['exec', 'write'] }, ['weather']);
    expect(policy.check('exec', GROUP)).toMatchInlineSnapshot(`"tool "exec" is denied in sandboxed sessions (agents.defaults.sandbox.denylist)"`);
    expect(policy.check('write', GROUP)).toMatch(/denied/);
    expect(policy.check('read', GROUP)).toBeUndefined();
    expect(policy.check('weather', GROUP)).toBeUndefined();
    expect(policy.check('sessions_send', GROUP)).toMatchInlineSnapshot(`"tool "sessions_send" is not in agents.defaults.sandbox.allowlist"`);
    // An explicit denylist replaces the default one.
    expect(policy.check('browser', GROUP)).toMatch(/not in .*allowlist/);
    expect(DEFAULT_SANDBOX_DENY).toContain('gateway');
  });

  it('FS-11 unknown tool names are config errors naming the path, with a suggestion', () => {
    const error = (() => {
      try {
        createToolPolicy({ allowlist: ['read', 'sesions_list'], denylist: ['rm -rf'] }, []);
      } catch (e) {
        return e;
      }
    })();
    expect(isMoltbotError(error, 'MOLT_ERR_CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toMatchInlineSnapshot(`
      "Invalid config: unknown tool names
       - agents.defaults.sandbox.allowlist[1]: unknown tool "sesions_list"; did you mean "sessions_list"?
       - agents.defaults.sandbox.denylist[0]: unknown tool "rm -rf""
    `);
  });

  it('MCP tools are denied to sandboxed sessions by default and allowed in the main one', () => {
    const policy = createToolPolicy({ mode: 'non-main' }, []);
    expect(policy.check('mcp__fs__read_file', MAIN)).toBeUndefined();
    expect(policy.check('mcp__fs__read_file', GROUP)).toMatchInlineSnapshot(`"tool "mcp__fs__read_file" is denied in sandboxed sessions (the default sandbox denylist)"`);
  });

  it('group:mcp and mcp__<server>__* allow or deny MCP tools that are not registered yet', () => {
    const policy = createToolPolicy({ allowlist: ['read', 'mcp__fs__*', 'mcp__docs__search'], denylist: ['mcp__fs__write_file', 'exec'] }, []);
    expect(policy.check('mcp__fs__read_file', GROUP)).toBeUndefined();
    expect(policy.check('mcp__fs__write_file', GROUP)).toMatch(/denied in sandboxed sessions \(agents.defaults.sandbox.denylist\)/);
    expect(policy.check('mcp__docs__search', GROUP)).toBeUndefined();
    expect(policy.check('mcp__docs__delete', GROUP)).toMatch(/not in agents.defaults.sandbox.allowlist/);
    // mcp__fs__* does not reach a server whose name merely starts with "fs".
    expect(policy.check('mcp__fsx__read_file', GROUP)).toMatch(/not in .*allowlist/);
    const grouped = createToolPolicy({ allowlist: ['group:mcp'], denylist: ['exec'] }, []);
    expect(grouped.check('mcp__anything__x', GROUP)).toBeUndefined();
    expect(grouped.check('read', GROUP)).toMatch(/not in .*allowlist/);
    expect(createToolPolicy({ denylist: ['group:mcp'] }, []).check('mcp__a__b', GROUP)).toMatch(/denied/);
  });
});
