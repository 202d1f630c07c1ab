/**
 * The `agent` service contract: start a run, abort it, read sessions, traces and model health.
 * Provided by the `agent` plugin as `agentServiceRef`; channels, cron and session tools consume
 * it, and an embedding program can use it without a gateway.
 */
import { createServiceRef } from '../core/index.ts';
import type { ToolRegistry } from './tool-registry.ts';
import type { MediaRef, MessageEntry, RunTrace, SessionInspect, SessionSummary, Usage } from './types.ts';

/** A model of the failover chain as the agent sees it now. */
export interface ModelState {
  ref: string;
  state: 'ok' | 'cooldown' | 'disabled';
  /** Epoch ms when a cooldown ends. */
  until?: number;
  reason?: string;
  failures: number;
  lastError?: string;
}

export interface RunRequest {
  sessionKey: string;
  message: string;
  /**
   * Stored media sent with the message (added after v1): kept as references in the transcript;
   * images reach models that take images as image parts.
   */
  media?: MediaRef[];
  signal?: AbortSignal;
  /**
   * Called once the user message is durable on disk (the moment to acknowledge it). The first
   * model call may already be running: it overlaps the write.
   */
  onAccepted?(runId: string): void;
  /**
   * The run's events. None comes before onAccepted: deltas the model sent while the message was
   * being written follow it a macrotask later, after an acknowledgement sent from onAccepted or
   * from the promise chain it starts. A run whose message could not be stored gets only its `final`.
   */
  onEvent?(event: RunEvent): void;
  metadata?: Record<string, unknown>;
}

export type RunEvent =
  | { type: 'delta'; runId: string; sessionKey: string; attempt: number; text: string }
  /** A tool call's progress (`ToolContext.progress`), throttled; sent as WS event `tool.progress`. */
  | { type: 'progress'; runId: string; sessionKey: string; callId: string; tool: string; progress: number; total?: number; message?: string }
  | { type: 'final'; runId: string; sessionKey: string; status: 'ok' | 'error' | 'aborted'; text: string; model?: string; usage: Usage; error?: { code: string; message: string; retryAfterMs?: number } };

export interface RunResult {
  runId: string;
  sessionKey: string;
  text: string;
  model: string;
  usage: Usage;
  trace: RunTrace;
}

export interface AgentService {
  run(request: RunRequest): Promise<RunResult>;
  /** Aborts a run by id, or the run of a session; false when none is active. */
  abort(target: { runId?: string; sessionKey?: string }): boolean;
  history(sessionKey: string, limit?: number): Promise<MessageEntry[]>;
  listSessions(agentId?: string): Promise<SessionSummary[]>;
  inspectSession(sessionKey: string): Promise<SessionInspect | undefined>;
  trace(runId: string, agentId?: string): Promise<RunTrace | undefined>;
  modelStatus(): ModelState[];
  resetModels(ref?: string): void;
  usage(): { runs: number; tokens: Usage };
  queue(): { active: number; queued: number; maxConcurrent: number; maxQueued: number };
  /** Every run's events (the gateway broadcasts them); returns an unsubscribe function. */
  subscribe(listener: (event: RunEvent) => void): () => void;
  readonly tools: ToolRegistry;
}

/** Service `session-lease`: resolves with a release function once this instance may run the session. */
export interface SessionLease {
  acquire(sessionKey: string, signal: AbortSignal): Promise<() => Promise<void>>;
}

export const agentServiceRef = createServiceRef<AgentService>({
  id: 'agent',
  description: 'Agent runs (admission, model failover, tool loop) and the read side (sessions, traces, usage)',
});

export const sessionLeaseRef = createServiceRef<SessionLease>({
  id: 'session-lease',
  description: 'Serialises runs of one session across gateway instances (provided by a shared session store)',
});
