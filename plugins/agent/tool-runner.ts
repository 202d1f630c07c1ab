/**
 * One tool call of a run: `beforeToolCall` may deny it or rewrite its arguments, the handler
 * runs under the run's signal and a timeout, `afterToolCall` may reshape the result. A failing
 * tool becomes an error result the model sees, never a failed run. The handler's
 * `context.progress` goes through the shared throttle to `onProgress`; it is finished before the
 * result is built, so no progress of the call follows it.
 */
import { randomUUID } from 'node:crypto';
import type { KernelHooks } from '../../sdk/core/index.ts';
import type { ToolResult } from '../../sdk/core/index.ts';
import { createProgressReporter, decideToolCall, type ToolProgress, type ToolRegistry } from '../../sdk/agent/index.ts';
import type { TraceRecorder } from './trace.ts';
import type { ToolCallRecord, TranscriptEntry } from '../../sdk/agent/index.ts';

export interface ToolRunInput {
  call: ToolCallRecord;
  runId: string;
  sessionKey: string;
  signal: AbortSignal;
  timeoutMs: number;
  hooks: KernelHooks;
  tools: ToolRegistry;
  trace: TraceRecorder;
  /** The call's progress updates (throttled); absent: the tool gets no `context.progress`. */
  onProgress?(update: ToolProgress & { callId: string; tool: string }): void;
}

export async function runTool(input: ToolRunInput): Promise<TranscriptEntry> {
  const { call, trace } = input;
  const started = performance.now();
  trace.add('tool.start', { tool: call.name, callId: call.id });
  const hookCall = { runId: input.runId, sessionKey: input.sessionKey, callId: call.id, name: call.name, args: call.args };
  let ok = false;
  let output: unknown;
  const verdict = await decideToolCall(input.hooks, hookCall);
  if ('deny' in verdict) output = `tool call denied: ${verdict.deny}`;
  else {
    const { args } = verdict;
    const tool = input.tools.get(call.name);
    if (tool === undefined) output = `unknown tool "${call.name}"`;
    else {
      const onProgress = input.onProgress;
      const reporter = onProgress === undefined ? undefined : createProgressReporter((update) => onProgress({ callId: call.id, tool: call.name, ...update }));
      const context = { runId: input.runId, sessionKey: input.sessionKey, signal: input.signal, ...(reporter ? { progress: reporter.report } : {}) };
      try {
        output = await withTimeout(Promise.resolve().then(() => tool.handler(args, context)), input.timeoutMs);
        ok = true;
      } catch (error) {
        output = `tool "${call.name}" failed: ${error instanceof Error ? error.message : String(error)}`;
      } finally {
        // Also on a timeout: the handler may still run and report, but the call is over.
        reporter?.finish();
      }
    }
  }
  const durationMs = performance.now() - started;
  let result: ToolResult = { callId: call.id, name: call.name, ok, output, durationMs };
  result = await input.hooks.afterToolCall.promise(result, hookCall);
  trace.toolExecutionTime += durationMs;
  trace.add('tool.end', { tool: call.name, callId: call.id, ok: result.ok, durationMs: Math.round(durationMs * 1000) / 1000 });
  const content = typeof result.output === 'string' ? result.output : JSON.stringify(result.output ?? null);
  return { kind: 'message', id: randomUUID(), at: Date.now(), runId: input.runId, role: 'tool', toolCallId: call.id, name: call.name, content, ...(result.ok ? {} : { isError: true }) };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
