/**
 * Admission for runs: one run at a time per session, at most `maxConcurrent` across sessions,
 * at most `maxQueued` waiting; beyond that a run is refused at once with BUSY (a bounded
 * queue, so overload shows up as an error rather than as memory and latency).
 */
import { AgentError } from '../../sdk/agent/index.ts';

interface Waiter {
  sessionKey: string;
  start: () => void;
  fail: (error: unknown) => void;
}

export class RunQueue {
  readonly maxConcurrent: number;
  readonly maxQueued: number;
  #active = 0;
  readonly #busy = new Set<string>();
  readonly #waiting: Waiter[] = [];

  constructor(maxConcurrent: number, maxQueued: number) {
    this.maxConcurrent = maxConcurrent;
    this.maxQueued = maxQueued;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  /** Resolves with the release function once the run may start. */
  acquire(sessionKey: string, signal?: AbortSignal): Promise<() => void> {
    if (this.#canStart(sessionKey) && this.#waiting.length === 0) return Promise.resolve(this.#take(sessionKey));
    if (this.#waiting.length >= this.maxQueued) {
      return Promise.reject(new AgentError('BUSY', `the agent is busy: ${this.#active} runs active and ${this.#waiting.length} queued (agents.maxConcurrentRuns / agents.maxQueuedRuns)`, { retryAfterMs: 1000 }));
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        sessionKey,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#take(sessionKey));
        },
        fail: reject,
      };
      const onAbort = () => {
        const index = this.#waiting.indexOf(waiter);
        if (index !== -1) this.#waiting.splice(index, 1);
        reject(new AgentError('ABORTED', 'the run was aborted while queued'));
        this.#pump();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  #canStart(sessionKey: string): boolean {
    return this.#active < this.maxConcurrent && !this.#busy.has(sessionKey);
  }

  #take(sessionKey: string): () => void {
    this.#active++;
    this.#busy.add(sessionKey);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active--;
      this.#busy.delete(sessionKey);
      this.#pump();
    };
  }

  #pump(): void {
    for (let i = 0; i < this.#waiting.length && this.#active < this.maxConcurrent; ) {
      const waiter = this.#waiting[i]!;
      if (this.#busy.has(waiter.sessionKey)) {
        i++;
        continue;
      }
      this.#waiting.splice(i, 1);
      waiter.start();
    }
  }
}
