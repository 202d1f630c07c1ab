/** The file tools cannot reach the owner's memory (or write skills) from a sandboxed session. */
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import { workspaceRelative } from '../../../sdk/workspace/protected-paths.ts';

const DM = 'agent:main:telegram:dm:42';
const MAIN = 'agent:main:main';

async function kernel(sandbox: Record<string, unknown> = {}) {
  return createTestKernel({
    config: {
      agents: { defaults: { sandbox } },
      plugins: ['session-store-file', 'agent', 'tools-fs', 'tool-policy', 'memory', 'skills'],
    },
  });
}

describe('protected workspace paths', () => {
  it('sandboxed sessions cannot read or write memory files, nor write skills, by any spelling of the path', async () => {
    const k = await kernel();
    const call = (name: string, path: string, sessionKey: string) =>
      k.hooks.beforeToolCall.promise({ runId: 'r', callId: 'c', name, args: { path, content: 'x' }, sessionKey });
    const workspace = k.paths.workspace;
    for (const path of ['MEMORY.md', './MEMORY.md', 'memory/../MEMORY.md', 'memory/2026-01-01.md', `${workspace}/MEMORY.md`]) {
      for (const tool of ['read', 'write', 'edit']) expect(await call(tool, path, DM), `${tool} ${path}`).toMatchObject({ deny: expect.stringContaining('memory files are the owner') });
    }
    expect(await call('write', 'skills/evil/SKILL.md', DM)).toMatchObject({ deny: expect.stringContaining('skills are the owner') });
    expect(await call('edit', './skills/x/SKILL.md', DM)).toMatchObject({ deny: expect.stringContaining('skills are the owner') });
    // What stays allowed: the owner's main session, reading skills, other files.
    expect(await call('write', 'MEMORY.md', MAIN)).toBeUndefined();
    expect(await call('write', 'skills/mine/SKILL.md', MAIN)).toBeUndefined();
    expect(await call('read', 'skills/x/SKILL.md', DM)).toBeUndefined();
    expect(await call('write', 'notes/todo.md', DM)).toBeUndefined();
  });

  it('follows the memory tools: an operator who allows them to sandboxed sessions allows the files too', async () => {
    const k = await kernel({ denylist: ['exec'] });
    expect(await k.hooks.beforeToolCall.promise({ runId: 'r', callId: 'c', name: 'read', args: { path: 'MEMORY.md' }, sessionKey: DM })).toBeUndefined();
  });

  it('workspaceRelative: normalises inside the workspace, undefined outside it', () => {
    expect(workspaceRelative('/w', 'a/../MEMORY.md')).toBe('MEMORY.md');
    expect(workspaceRelative('/w', '/w/memory/x.md')).toBe('memory/x.md');
    expect(workspaceRelative('/w', '../etc/passwd')).toBeUndefined();
    expect(workspaceRelative('/w', '/etc/passwd')).toBeUndefined();
  });
});
