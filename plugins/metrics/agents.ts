/**
 * Agent figures from the message hooks: sessions with a run in the recent window, model call
 * latency (modelRequest → modelResponse, per run) and token usage as models report it.
 */
import type { KernelHooks } from '../../sdk/core/index.ts';
import type { AgentFigures } from '../../sdk/ops/index.ts';
import { LatencyRing } from './window.ts';


export class AgentTracker {
  readonly #sessions = new Map<string, number>();
  readonly #pending = new Map<string, number>();
  readonly #latency = new LatencyRing(1000);
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #latencyListeners: ((ms: number) => void)[] = [];
  #input = 0;
  #output = 0;

  constructor(sessionWindowMs: number, now: () => number = Date.now) {
    this.#windowMs = sessionWindowMs;
    this.#now = now;
  }

  tap(hooks: KernelHooks, plugin: string): void {
    hooks.beforeAgentRun.tap(plugin, (run) => {
      this.#sessions.set(run.sessionKey, this.#now());
      return run;
    });
    hooks.modelRequest.tap(plugin, (request) => {
      this.#pending.set(request.runId, performance.now());
      return request;
    });
    hooks.modelResponse.tap(plugin, (response) => this.response(response.runId, response.usage));
  }

  response(runId: string, usage?: { input: number; output: number }): void {
    const started = this.#pending.get(runId);
    if (started !== undefined) {
      this.#pending.delete(runId);
      const ms = performance.now() - started;
      this.#latency.add(ms);
      for (const listener of this.#latencyListeners) listener(ms);
    }
    if (usage) {
      this.#input += usage.input;
      this.#output += usage.output;
    }
  }

  /** Every model call's latency (ms) as it is measured (the Prometheus histogram). */
  onLatency(listener: (ms: number) => void): void {
    this.#latencyListeners.push(listener);
  }

  figures(): AgentFigures {
    const cutoff = this.#now() - this.#windowMs;
    for (const [key, at] of this.#sessions) if (at < cutoff) this.#sessions.delete(key);
    const latency = this.#latency.summary();
    return {
      activeSessions: this.#sessions.size,
      averageResponseTime: latency.mean,
      p95ResponseTime: latency.p95,
      tokenUsage: { input: this.#input, output: this.#output, total: this.#input + this.#output },
    };
  }
}
