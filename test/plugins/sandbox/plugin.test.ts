/** The sandbox plugin in a kernel: user tools from the workspace land in the `tools` registry. */
import { execFileSync } from 'node:child_process';
import { sandboxServiceRef } from '../../../plugins/sandbox/index.ts';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { createToolRegistry, toolRegistryRef, type ToolRegistry } from '../../../sdk/agent/tool-registry.ts';
import sandbox, { type SandboxService } from '../../../plugins/sandbox/index.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const fakeAgent = definePlugin({ name: 'agent', version: '1.0.0', provides: [toolRegistryRef], setup: (ctx) => ctx.provide(toolRegistryRef, createToolRegistry()) });

describe('sandbox plugin', () => {
  it('registers workspace tools, validates their arguments, and skips bad files', async () => {
    const workspace = useTempDir().dir;
    mkdirSync(join(workspace, 'tools'));
    writeFileSync(join(workspace, 'tools', 'double.mjs'), "export default { description: 'Doubles n', parameters: { type: 'object', required: ['n'], properties: { n: { type: 'number' } }, additionalProperties: false }, run: ({ n }) => n * 2 };");
    writeFileSync(join(workspace, 'tools', 'broken.mjs'), 'export default { description: 1 };');
    writeFileSync(join(workspace, 'tools', 'outside.txt'), 'ignored');
    writeFileSync(join(workspace, 'secret.mjs'), "export default { description: 'x', run: () => 1 };");
    symlinkSync(join(workspace, 'secret.mjs'), join(workspace, 'tools', 'linked.mjs'));
    execFileSync('mkfifo', [join(workspace, 'tools', 'fifo.mjs')]);
    const kernel = await createTestKernel({
      config: { agent: { workspace } },
      plugins: [fakeAgent, [sandbox, { poolSize: 1, timeout: 1000 }]],
    });
    const registry = kernel.use('tools') as ToolRegistry;
    expect(registry.list()).toEqual([{ name: 'double', description: 'Doubles n', parameters: expect.objectContaining({ required: ['n'] }) }]);
    const handler = registry.get('double')?.handler;
    expect(await handler?.({ n: 21 }, { runId: 'r', sessionKey: 'main', signal: new AbortController().signal })).toBe(42);
    await expect(handler?.({ n: 'x' }, { runId: 'r', sessionKey: 'main', signal: new AbortController().signal })).rejects.toMatchObject({
      code: 'MOLT_ERR_SANDBOX_TOOL_ERROR', message: 'invalid arguments for tool "double": /n must be number',
    });
    const skipped = kernel.logs.filter((line) => line.msg?.startsWith('user tool skipped')).map((line) => line.file).sort();
    expect(skipped).toEqual(['tools/broken.mjs', 'tools/fifo.mjs', 'tools/linked.mjs']);
    const stats = (kernel.use(sandboxServiceRef)).stats();
    expect(stats.pids).not.toContain(process.pid);
  });

  it('SB-19 a plugin-declared untrusted tool runs in the sandbox, charged to the calling session', async () => {
    const declaring = definePlugin({
      name: 'untrusted-tools', version: '1.0.0', dependencies: ['sandbox'],
      setup(ctx) {
        (ctx.use(sandboxServiceRef)).registerTool({
          name: 'probe', description: 'Where am I?', parameters: { type: 'object', properties: { x: { type: 'integer' } } },
          source: "export default { description: 'p', run: (a) => ({ process: typeof process, require: typeof require, x: a.x }) };",
        });
      },
    });
    const kernel = await createTestKernel({ plugins: [fakeAgent, [sandbox, { poolSize: 1 }], declaring] });
    const probe = (kernel.use('tools') as ToolRegistry).get('probe');
    const context = { runId: 'r', sessionKey: 'agent:main:irc:group:1', signal: new AbortController().signal };
    expect(await probe?.handler({ x: 3 }, context)).toEqual({ process: 'undefined', require: 'undefined', x: 3 });
    await expect(probe?.handler({ x: 'no' }, context)).rejects.toMatchObject({ code: 'MOLT_ERR_SANDBOX_TOOL_ERROR', message: 'invalid arguments for tool "probe": /x must be integer' });
    expect((kernel.use(sandboxServiceRef)).cpuUsedMs('agent:main:irc:group:1')).toBeGreaterThan(0);
  });

  it('starts no worker when nothing is sandboxed, and closes its workers with the kernel', async () => {
    const kernel = await createTestKernel({ plugins: [[sandbox, {}]] });
    const service = kernel.use(sandboxServiceRef);
    expect(service.stats()).toMatchObject({ workers: 0, size: 2 });
    const { workerPid } = await service.run({ source: "export default { description: 'x', run: () => 'hi' };", filename: 't.mjs' });
    await kernel.close();
    expect(() => process.kill(workerPid, 0)).toThrow();
  });
});
