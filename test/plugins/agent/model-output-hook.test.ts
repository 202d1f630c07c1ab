/**
 * agent.modelOutput, as a third-party plugin uses it: taps see the tokens streamed so far; a
 * `{ stop }` verdict closes the provider stream, the partial call is reported through
 * modelResponse (stopReason "stopped", estimated usage), and the run ends with the tap's error.
 */
import { describe, expect, it } from 'vitest';
import { defineErrors, definePlugin, MoltbotError, type ModelResponse } from '../../../sdk/core/index.ts';
import { agentHooksRef, type ModelOutputProgress } from '../../../sdk/agent/index.ts';
import { eventually } from '../../helpers/eventually.ts';
import { chat, startAgent } from './harness.ts';

const codes = defineErrors('test-output-cap', { TEST_ERR_OUTPUT_CAP: { title: 'Answer cut', fix: 'Ask for less.' } });

describe('agent.modelOutput', () => {
  it('a stop verdict ends the call mid-stream and the run with its error', async () => {
    const seen: ModelOutputProgress[] = [];
    const responses: ModelResponse[] = [];
    const cap = definePlugin({
      name: 'output-cap', version: '1.0.0', dependencies: ['agent'],
      setup(ctx) {
        ctx.hooksOf(agentHooksRef).modelOutput.tap(ctx.name, (progress) => {
          seen.push(progress);
          return progress.outputTokens >= 10 ? { stop: new MoltbotError(codes.TEST_ERR_OUTPUT_CAP, { message: 'cut at 10 tokens' }) } : undefined;
        });
        ctx.hooks.modelResponse.tap(ctx.name, (response) => void responses.push(response));
      },
    });
    const h = await startAgent({ extra: [cap] });
    h.fake.script({ text: '0123456789'.repeat(20), chunks: 20, chunkDelayMs: 5 });
    const { final } = await chat(await h.client(), 'count');
    expect(final.payload).toMatchObject({ status: 'error', text: '0123456789'.repeat(4), error: { code: 'TEST_ERR_OUTPUT_CAP', message: 'cut at 10 tokens' } });
    expect(seen.map((p) => p.outputTokens)).toEqual([3, 5, 8, 10]);
    expect(seen[0]).toMatchObject({ agentId: 'main', sessionKey: 'agent:main:main', model: 'fake/primary', attempt: 1 });
    expect(seen[0]!.inputTokens).toBeGreaterThan(0);
    expect(responses).toMatchObject([{ stopReason: 'stopped', content: '0123456789'.repeat(4), usage: { input: seen[0]!.inputTokens, output: 10 } }]);
    await eventually(() => h.fake.requests[0]!.closedEarly !== undefined, 'the paced stream to end');
    expect(h.fake.requests[0]!.closedEarly).toBe(true);
  });

  it('without a verdict the call runs to its end', async () => {
    let calls = 0;
    const watch = definePlugin({ name: 'output-watch', version: '1.0.0', dependencies: ['agent'], setup(ctx) { ctx.hooksOf(agentHooksRef).modelOutput.tap(ctx.name, () => void calls++); } });
    const h = await startAgent({ extra: [watch] });
    h.fake.script({ text: 'a complete answer', chunks: 3 });
    const { final } = await chat(await h.client(), 'hi');
    expect(final.payload).toMatchObject({ status: 'ok', text: 'a complete answer' });
    expect(calls).toBe(3);
  });
});
