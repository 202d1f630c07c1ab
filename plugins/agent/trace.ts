/**
 * A run's trace: timestamped events (model calls, retries, failovers, tools, tokens) and the
 * totals `runs.trace` / `moltbot sessions trace` show.
 */
import type { RunTrace, TraceEvent, Usage } from '../../sdk/agent/index.ts';

export class TraceRecorder {
  readonly runId: string;
  readonly sessionKey: string;
  readonly startedAt = Date.now();
  readonly #t0 = performance.now();
  readonly events: TraceEvent[] = [];
  modelCallTime = 0;
  toolExecutionTime = 0;
  usage: Usage = { input: 0, output: 0 };
  model: string | undefined;

  constructor(runId: string, sessionKey: string) {
    this.runId = runId;
    this.sessionKey = sessionKey;
  }

  /** ms since the run started. */
  elapsed(): number {
    return Math.round((performance.now() - this.#t0) * 1000) / 1000;
  }

  add(type: TraceEvent['type'], fields: Record<string, unknown> = {}): number {
    const t = this.elapsed();
    this.events.push({ t, type, ...fields });
    return t;
  }

  addUsage(usage: Usage): void {
    this.usage = { input: this.usage.input + usage.input, output: this.usage.output + usage.output };
  }

  finish(status: RunTrace['status'], error?: string): RunTrace {
    const totalDuration = this.add('run.end', { status });
    return {
      runId: this.runId,
      sessionKey: this.sessionKey,
      startedAt: this.startedAt,
      status,
      totalDuration,
      modelCallTime: round(this.modelCallTime),
      toolExecutionTime: round(this.toolExecutionTime),
      tokenUsage: this.usage,
      ...(this.model !== undefined ? { model: this.model } : {}),
      ...(error !== undefined ? { error } : {}),
      events: this.events,
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
