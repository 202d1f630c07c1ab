/** tools-fs in a kernel: registered in the agent's registry, arguments checked, FS-06 over every path-ish parameter. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { createToolRegistry, toolRegistryRef, type ToolRegistry } from '../../../sdk/agent/tool-registry.ts';
import toolsFs from '../../../plugins/tools-fs/index.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const fakeAgent = definePlugin({ name: 'agent', version: '1.0.0', provides: [toolRegistryRef], setup: (ctx) => ctx.provide(toolRegistryRef, createToolRegistry()) });
const context = { runId: 'r', sessionKey: 'agent:main:main', signal: new AbortController().signal };
const TRAVERSALS = ['../../etc/passwd', '/etc/passwd', '~/.moltbot/config', 'subdir/../../x', '..\\x', '%2e%2e/x', 'a\0b'];

async function start() {
  const workspace = useTempDir().dir;
  mkdirSync(join(workspace, 'subdir'));
  writeFileSync(join(workspace, 'a.txt'), 'alpha');
  const kernel = await createTestKernel({ config: { agent: { workspace } }, plugins: [fakeAgent, [toolsFs, { maxReadBytes: 100 }]] });
  return { workspace, registry: kernel.use(toolRegistryRef) };
}

describe('tools-fs plugin', () => {
  it('registers read, write and edit with their schemas and runs them in the workspace', async () => {
    const { registry } = await start();
    expect(registry.list().map((t) => t.name)).toEqual(['read', 'write', 'edit']);
    const call = (name: string, args: unknown) => Promise.resolve(registry.get(name)?.handler(args, context));
    expect(await call('read', { path: 'a.txt' })).toBe('alpha');
    expect(await call('write', { path: 'b.txt', content: 'beta' })).toEqual({ bytes: 4, created: true });
    expect(await call('edit', { path: 'b.txt', oldText: 'et', newText: 'ET' })).toEqual({ bytes: 4 });
    expect(await call('read', { path: 'b.txt' })).toBe('bETa');
    await expect(call('read', { path: 'a.txt', extra: 1 })).rejects.toMatchObject({ code: 'MOLT_ERR_TOOL_INVALID_ARGS', message: 'read: arguments must NOT have additional properties' });
  });

  it('FS-06 every path-like string parameter of every tool refuses the traversal payloads', async () => {
    const { registry } = await start();
    let checked = 0;
    for (const spec of registry.list()) {
      const properties = (spec.parameters as { properties: Record<string, { type?: string }> }).properties;
      const pathParams = Object.keys(properties).filter((key) => /path|file|dir|url|media|attachment/i.test(key));
      expect(pathParams.length).toBeGreaterThan(0);
      for (const param of pathParams) {
        for (const payload of TRAVERSALS) {
          const valid: Record<string, string> = { path: 'a.txt', content: 'x', oldText: 'alpha', newText: 'x' };
          const args = Object.fromEntries(Object.keys(properties).map((key) => [key, key === param ? payload : valid[key]]));
          const error = await Promise.resolve(registry.get(spec.name)?.handler(args, context)).then(() => undefined, (e: { code: string }) => e);
          expect([spec.name, param, payload, error?.code]).toEqual([spec.name, param, payload, expect.stringMatching(/^MOLT_ERR_TOOL_PATH_(OUTSIDE_WORKSPACE|INVALID)$/)]);
          checked++;
        }
      }
    }
    expect(checked).toBe(3 * TRAVERSALS.length);
  });
});
