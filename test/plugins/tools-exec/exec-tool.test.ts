/** FS-13 and the exec limits: argv only, allowlist from trusted folders, timeout kills the tree, output cap. */
import { readFileSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { createToolRegistry, toolRegistryRef, type ToolRegistry } from '../../../sdk/agent/tool-registry.ts';
import { detectContainment, type Containment } from '../../../plugins/tools-exec/containment.ts';
import { createExecTool, type ExecToolOptions } from '../../../plugins/tools-exec/exec-tool.ts';
import toolsExec from '../../../plugins/tools-exec/index.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { alive } from '../../helpers/proc.ts';

const context = { runId: 'r', sessionKey: 'agent:main:main', signal: new AbortController().signal };
let detected: Promise<Containment> | undefined;
const detect = () => (detected ??= detectContainment());

function execTool(overrides: Partial<ExecToolOptions> = {}) {
  const workspace = useTempDir().dir;
  const tool = createExecTool(() => workspace, {
    allow: ['echo', 'sh', 'cat', 'sleep', 'pwd'], trustedDirs: ['/usr/bin', '/bin'], maxOutputBytes: 1024, maxProcesses: 2, timeoutMs: 2000,
    containment: 'required', detect,
    ...overrides,
  });
  return { workspace, tool, call: (args: unknown) => tool.handler(args, context) as Promise<Record<string, unknown>> };
}


/** Waits (bounded) until no live process carries `marker`; returns the ones left. */
async function gone(marker: string): Promise<number[]> {
  for (let i = 0; i < 100 && alive(marker).length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return alive(marker);
}

const codeOf = (work: Promise<unknown>) => work.then(() => 'ok', (e: { code?: string; message: string }) => e.code ?? e.message);

describe('exec tool', () => {
  it('FS-13 shell metacharacters, globs and $VAR reach the program literally', async () => {
    const { call, workspace } = execTool();
    writeFileSync(join(workspace, 'a.txt'), '');
    const args = ['$(id)', '`id`', '*', '$HOME', '; rm -rf /', '| cat', '&& echo pwned', "'quoted'"];
    const result = await call({ command: 'echo', args });
    expect(result).toMatchObject({ exitCode: 0, stdout: `${args.join(' ')}\n`, timedOut: false, truncated: false });
  });

  it('FS-13 only allowlisted bare names from trusted folders run', async () => {
    const { call, workspace } = execTool({ allow: ['echo', 'evil'] });
    expect(await codeOf(call({ command: 'sh', args: ['-c', 'id'] }))).toBe('MOLT_ERR_TOOL_EXEC_DENIED');
    expect(await codeOf(call({ command: '/bin/echo' }))).toBe('MOLT_ERR_TOOL_EXEC_DENIED');
    expect(await codeOf(call({ command: '../echo' }))).toBe('MOLT_ERR_TOOL_EXEC_DENIED');
    expect(await codeOf(call({ command: 'echo x' }))).toBe('MOLT_ERR_TOOL_EXEC_DENIED');
    // A program named like an allowed one in the workspace is never found: PATH is not used.
    writeFileSync(join(workspace, 'evil'), '#!/bin/sh\necho pwned\n', { mode: 0o755 });
    await expect(call({ command: 'evil' })).rejects.toThrowErrorMatchingInlineSnapshot(`[ExecToolError: command "evil" was not found in the trusted directories]`);
  });

  it('runs in the workspace (or a folder inside it) with a minimal environment', async () => {
    const { call, workspace } = execTool();
    mkdirSync(join(workspace, 'sub'));
    symlinkSync('/etc', join(workspace, 'etc-link'));
    expect((await call({ command: 'pwd', args: [] })).stdout).toMatch(/\/moltbot-[^/]+\n$/);
    expect((await call({ command: 'pwd', cwd: 'sub' })).stdout).toMatch(/\/sub\n$/);
    expect(await codeOf(call({ command: 'pwd', cwd: '../' }))).toBe('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE');
    expect(await codeOf(call({ command: 'pwd', cwd: 'etc-link' }))).toBe('MOLT_ERR_TOOL_PATH_OUTSIDE_WORKSPACE');
    process.env.MOLTBOT_CANARY_SECRET = 'CANARY-7f3a';
    try {
      const env = await call({ command: 'sh', args: ['-c', 'env'] });
      expect(env.stdout).not.toContain('CANARY-7f3a');
    } finally {
      delete process.env.MOLTBOT_CANARY_SECRET;
    }
  });

  it('a timeout kills the whole process tree', async () => {
    const { call, workspace } = execTool({ timeoutMs: 300 });
    const started = performance.now();
    const result = await call({ command: 'sh', args: ['-c', 'sleep 30.301 & echo $! > child.pid; wait'] });
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(readFileSync(join(workspace, 'child.pid'), 'utf8')).toMatch(/^\d+\n$/);
    expect(await gone('30.301')).toEqual([]);
  });

  it('background children are ended when the program exits; output is capped', async () => {
    const { call } = execTool();
    const started = performance.now();
    const result = await call({ command: 'sh', args: ['-c', 'sleep 30 & head -c 5000 /dev/zero | tr "\\0" x'] });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(result).toMatchObject({ exitCode: 0, truncated: true, timedOut: false });
    expect(result.stdout).toBe('x'.repeat(1024));
  });

  it('maxProcesses bounds concurrent commands', async () => {
    const { call, tool } = execTool({ maxProcesses: 1 });
    const first = call({ command: 'sleep', args: ['0.3'] });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tool.running()).toBe(1);
    expect(await codeOf(call({ command: 'echo', args: ['x'] }))).toBe('MOLT_ERR_TOOL_EXEC_BUSY');
    expect(await first).toMatchObject({ exitCode: 0 });
    expect(await codeOf(call({ command: 'echo', args: ['x'] }))).toBe('ok');
  });

  it('the plugin registers exec with the tools.exec limits from config', async () => {
    const fakeAgent = definePlugin({ name: 'agent', version: '1.0.0', provides: [toolRegistryRef], setup: (ctx) => ctx.provide(toolRegistryRef, createToolRegistry()) });
    const workspace = useTempDir().dir;
    const kernel = await createTestKernel({
      config: { agent: { workspace }, tools: { exec: { maxProcesses: 1, timeout: 200 } } },
      plugins: [fakeAgent, [toolsExec, { allow: ['sleep'] }]],
    });
    const exec = (kernel.use('tools') as ToolRegistry).get('exec');
    expect(await exec?.handler({ command: 'sleep', args: ['5'] }, context)).toMatchObject({ timedOut: true });
  });
});
