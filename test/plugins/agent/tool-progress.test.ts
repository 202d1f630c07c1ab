/**
 * The agent's tool runner and progress: the handler gets context.progress only while its call
 * runs (throttled); a report after the result or after a timeout emits nothing.
 */
import { describe, expect, it } from 'vitest';
import { createHooks } from '../../../core/hooks.ts';
import { createToolRegistry } from '../../../sdk/agent/index.ts';
import { runTool } from '../../../plugins/agent/tool-runner.ts';
import { TraceRecorder } from '../../../plugins/agent/trace.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('tool runner progress', () => {
  async function run(handler: (args: unknown, context: any) => unknown, timeoutMs = 5000) {
    const tools = createToolRegistry();
    tools.register({ name: 'slow', description: 'reports progress', parameters: { type: 'object' }, handler });
    const events: string[] = [];
    const entry = await runTool({
      call: { id: 'c1', name: 'slow', args: {} }, runId: 'r1', sessionKey: 'agent:main:main', signal: new AbortController().signal,
      timeoutMs, hooks: createHooks(), tools, trace: new TraceRecorder('r1', 'agent:main:main'),
      onProgress: (u) => events.push(`${u.callId} ${u.tool} ${u.progress}/${u.total ?? '?'}`),
    });
    events.push(`result ${(entry as { content: string }).content}`);
    return events;
  }

  it('gives the handler context.progress; the last update comes before the result; a report after the result emits nothing', async () => {
    let late: (() => void) | undefined;
    const events = await run((_args, context) => {
      context.progress({ progress: 1, total: 3 });
      context.progress({ progress: 2, total: 3 });
      context.progress({ progress: 3, total: 3 });
      late = () => context.progress({ progress: 4, total: 3 });
      return 'done';
    });
    late!();
    await sleep(150);
    expect(events).toEqual(['c1 slow 1/3', 'c1 slow 3/3', 'result done']);
  });

  it('a handler that outlives the tool timeout cannot report afterwards', async () => {
    let report: ((n: number) => void) | undefined;
    const events = await run((_args, context) => {
      report = (n) => context.progress({ progress: n });
      context.progress({ progress: 1 });
      return new Promise(() => undefined);
    }, 50);
    report!(2);
    await sleep(150);
    expect(events).toEqual(['c1 slow 1/?', 'result tool "slow" failed: timed out after 50 ms']);
  });
});
