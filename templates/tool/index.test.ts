import { describe, expect, it } from 'vitest';
import { toolRegistryRef, type ToolDefinition } from 'moltbot/plugin-sdk/agent';
import { createTestKernel } from 'moltbot/testing';
import plugin from './index.ts';

const call = (tool: ToolDefinition | undefined, args: unknown) => tool!.handler(args, { runId: 'test', sessionKey: 'agent:main:main', signal: new AbortController().signal });

async function kernelWithTools(options: object = {}) {
  const kernel = await createTestKernel({ plugins: ['session-store-file', 'agent', ['sandbox', { poolSize: 1 }], [plugin, options]] });
  return { kernel, tool: (name: string) => kernel.use(toolRegistryRef).get(name) };
}

describe('__NAME__', () => {
  it('word_count runs in the gateway process', async () => {
    const { tool } = await kernelWithTools();
    expect(await call(tool('word_count'), { text: 'one two  three' })).toEqual({ words: 3 });
  });

  it('title_case runs in the sandbox, in another process', async () => {
    const { tool } = await kernelWithTools();
    expect(await call(tool('title_case'), { text: 'hello sandboxed world' })).toBe('Hello Sandboxed World');
  });

  it('refuses unknown options before any plugin code runs', async () => {
    await expect(createTestKernel({ plugins: ['session-store-file', 'agent', 'sandbox', [plugin, { maxChar: 5 }]] })).rejects.toThrow(/maxChar/);
  });
});
