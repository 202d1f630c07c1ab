/**
 * Protected paths apply by DECLARED ACCESS, not by tool name: a third-party tool declaring
 * write access to a path argument is refused a protected path exactly as the first-party
 * `write` is, both in `beforeToolCall` and inside the workspace file helper (which also sees
 * through symlinks the lexical check cannot).
 */
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import { toolRegistryRef } from '../../../sdk/agent/index.ts';
import { acmeFiles } from '../fixtures/acme-files.ts';

const DM = 'agent:main:telegram:dm:42';
const MAIN = 'agent:main:main';

async function kernel() {
  return createTestKernel({
    config: { plugins: ['session-store-file', 'agent', 'tools-fs', 'tool-policy', 'memory', 'skills'] },
    plugins: [acmeFiles()],
  });
}

const context = (sessionKey: string) => ({ runId: 'r', sessionKey, signal: new AbortController().signal });

describe('protected paths by declared access', () => {
  it('a third-party tool declaring write access cannot write MEMORY.md or skills/ from a sandboxed session, as write cannot', async () => {
    const k = await kernel();
    const call = (name: string, args: object, sessionKey: string) => k.hooks.beforeToolCall.promise({ runId: 'r', callId: 'c', name, args, sessionKey });
    for (const target of ['MEMORY.md', './memory/../MEMORY.md', 'memory/today.md']) {
      expect(await call('acme_write', { target, text: 'x' }, DM), target).toMatchObject({ deny: expect.stringContaining('memory files are the owner') });
      expect(await call('write', { path: target, content: 'x' }, DM), target).toMatchObject({ deny: expect.stringContaining('memory files are the owner') });
    }
    expect(await call('acme_write', { target: 'skills/evil/SKILL.md', text: 'x' }, DM)).toMatchObject({ deny: expect.stringContaining('skills are the owner') });
    expect(await call('acme_read', { path: 'MEMORY.md' }, DM)).toMatchObject({ deny: expect.stringContaining('memory files are the owner') });
    // The same calls from the owner's main session, and other files, stay allowed.
    expect(await call('acme_write', { target: 'MEMORY.md', text: 'x' }, MAIN)).toBeUndefined();
    expect(await call('acme_write', { target: 'notes/todo.md', text: 'x' }, DM)).toBeUndefined();
    expect(await call('acme_read', { path: 'skills/x/SKILL.md' }, DM)).toBeUndefined();
  });

  it('the workspace file helper refuses a protected path on its real location, through a symlinked folder too', async () => {
    const k = await kernel();
    const workspace = k.paths.workspace;
    await mkdir(join(workspace, 'memory'), { recursive: true });
    await symlink(join(workspace, 'memory'), join(workspace, 'notes'));
    const tools = k.use(toolRegistryRef);
    for (const [name, args] of [['acme_write', { target: 'notes/today.md', text: 'planted' }], ['write', { path: 'notes/today.md', content: 'planted' }]] as const) {
      // The lexical check in beforeToolCall sees "notes/": only the helper knows it is memory/.
      expect(await k.hooks.beforeToolCall.promise({ runId: 'r', callId: 'c', name, args, sessionKey: DM })).toBeUndefined();
      await expect(Promise.resolve().then(() => tools.get(name)!.handler(args, context(DM)))).rejects.toMatchObject({ code: 'MOLT_ERR_TOOL_PATH_PROTECTED' });
    }
    await expect(readFile(join(workspace, 'memory', 'today.md'), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
    // The owner's main session may.
    await tools.get('acme_write')!.handler({ target: 'notes/today.md', text: 'mine' }, context(MAIN));
    expect(await readFile(join(workspace, 'memory', 'today.md'), 'utf8')).toBe('mine');
  });

  it('the config and the state folder are out of reach: outside the workspace', async () => {
    const k = await kernel();
    await mkdir(k.paths.workspace, { recursive: true });
    const acmeWrite = k.use(toolRegistryRef).get('acme_write')!;
    for (const target of [join(k.paths.stateDir, 'clawdbot.json'), '../.clawdbot/clawdbot.json', '/etc/passwd']) {
      await expect(Promise.resolve().then(() => acmeWrite.handler({ target, text: 'x' }, context(MAIN))), target).rejects.toMatchObject({ code: expect.stringMatching(/MOLT_ERR_TOOL_PATH_(OUTSIDE_WORKSPACE|INVALID)/) });
    }
  });

  it('a malformed access declaration is refused at registration, naming the tool and the fix', async () => {
    const k = await kernel();
    const register = (access: unknown) => k.use(toolRegistryRef).register({ name: 'bad_tool', description: 'x', parameters: { type: 'object' }, access: access as never, handler: () => 'x' });
    expect(() => register({ paths: 'delete' })).toThrow(/tool "bad_tool" access.paths must be 'read', 'write' or \{ <argument>: 'read' \| 'write' \}/);
    expect(() => register({ paths: { target: 'append' } })).toThrow(/access.paths.target must be 'read' or 'write'/);
  });
});
