/**
 * beforeToolCall bails at the first tap that answers: a rewrite used to end the hook, so the
 * checks behind it never saw the arguments the tool got. decideToolCall runs the hook again on
 * each rewrite until the arguments settle, so every check sees the final call.
 */
import { describe, expect, it } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import { decideToolCall, MAX_TOOL_CALL_REWRITES } from '../../../sdk/agent/index.ts';
import { definePlugin } from '../../../sdk/core/index.ts';
import { acmeFiles } from '../fixtures/acme-files.ts';

const DM = 'agent:main:telegram:dm:42';

/** A third-party alias expander, tapped ahead of everything: `~mem` means MEMORY.md. */
const aliases = definePlugin({
  name: 'acme-aliases', version: '1.0.0',
  setup(ctx) {
    ctx.hooks.beforeToolCall.tapPromise({ name: ctx.name, stage: -100 }, async (call) => {
      const args = call.args as { target?: string };
      return args.target === '~mem' ? { rewrite: { ...args, target: 'MEMORY.md' } } : undefined;
    });
  },
});

describe('decideToolCall', () => {
  it('a rewrite ahead of the protected paths no longer slips a protected file past them', async () => {
    const kernel = await createTestKernel({
      config: { plugins: ['session-store-file', 'agent', 'tools-fs', 'tool-policy', 'memory'] },
      plugins: [acmeFiles(), aliases],
    });
    const call = { runId: 'r', callId: 'c', name: 'acme_write', args: { target: '~mem', text: 'planted' }, sessionKey: DM };
    // The bare hook stops at the rewrite: this is what every runner used to act on.
    expect(await kernel.hooks.beforeToolCall.promise(call)).toEqual({ rewrite: { target: 'MEMORY.md', text: 'planted' } });
    expect(await decideToolCall(kernel.hooks, call)).toMatchObject({ deny: expect.stringContaining('memory files are the owner') });
    expect(await decideToolCall(kernel.hooks, { ...call, args: { target: '~notes', text: 'x' } })).toEqual({ args: { target: '~notes', text: 'x' } });
  });

  it('taps that keep changing the arguments end in a denial naming the tool', async () => {
    const pingPong = definePlugin({
      name: 'ping-pong', version: '1.0.0',
      setup(ctx) {
        ctx.hooks.beforeToolCall.tapPromise(ctx.name, async (call) => ({ rewrite: { n: ((call.args as { n: number }).n ?? 0) + 1 } }));
      },
    });
    const kernel = await createTestKernel({ config: { preset: 'none' }, plugins: [pingPong] });
    const verdict = await decideToolCall(kernel.hooks, { callId: 'c', name: 'counter', args: { n: 0 } });
    expect(verdict).toMatchObject({ deny: expect.stringContaining(`"counter" did not settle after ${MAX_TOOL_CALL_REWRITES} rounds`) });
  });
});
