/**
 * The agent plugin's own hooks (reach them with `ctx.hooksOf(agentHooksRef)`, "agent" in
 * `dependencies`). `beforeCompaction` runs before older turns of a session are folded into a
 * summary: a tap may call `flush()` to give the model one silent turn with some tools (the
 * memory plugin asks it to write durable facts down), so nothing important is lost with the
 * folded turns. A failing tap is logged and never stops the compaction.
 *
 * `modelOutput` runs as a model call streams: after each piece of text or tool call, with the
 * tokens spent so far. A tap returning `{ stop: error }` ends the call there (the provider
 * stream is closed, nothing more is generated or paid for): the partial call is reported
 * through `modelResponse` with `stopReason: "stopped"` and its estimated usage, and the run
 * ends with `error` (its code and message reach the client). Spend limits use it.
 */
import tapable from 'tapable';
import { createHooksRef, type PluginContext } from '../core/index.ts';
import type { ChatMessage } from './types.ts';

export interface CompactionFlushRequest {
  /** The user message of the silent turn (appended after the session's current context). */
  instruction: string;
  /** Tools offered in the silent turn; only those the session may call anyway are kept. */
  tools: readonly string[];
  /** Model/tool rounds at most (default 3). */
  maxRounds?: number;
}

export interface BeforeCompaction {
  runId: string;
  agentId: string;
  sessionKey: string;
  /** The session's context as the model sees it now (before the fold). */
  messages: readonly ChatMessage[];
  /**
   * One silent agent turn: the model sees the context plus `instruction`, may call the
   * allowed tools (policy hooks apply as in any run), and its final text is returned. Nothing
   * of it enters the transcript or reaches the user; the trace records the tool calls.
   */
  flush(request: CompactionFlushRequest): Promise<string>;
}

/** What `modelOutput` taps see while a model call streams. */
export interface ModelOutputProgress {
  runId: string;
  agentId: string;
  sessionKey: string;
  /** The model ref of this call (`provider/model`). */
  model: string;
  /** Attempt number within the run (a retry or failover is a new attempt). */
  attempt: number;
  /** Input tokens of this call, estimated from the prompt (≈ 4 characters a token). */
  inputTokens: number;
  /**
   * Output tokens streamed so far in this call, estimated from the text and tool-call
   * arguments received (≈ 4 characters a token): providers report exact counts only at the end.
   */
  outputTokens: number;
}

/** A `modelOutput` verdict: stop the call now; the run ends with `stop` (use a MoltbotError with your code). */
export interface ModelOutputStop {
  stop: Error;
}

export function createAgentHooks() {
  return {
    beforeCompaction: new tapable.AsyncSeriesHook<[BeforeCompaction]>(['compaction'], 'agent.beforeCompaction'),
    // Sync: it runs for every streamed piece, and a verdict must be immediate.
    modelOutput: new tapable.SyncBailHook<[ModelOutputProgress], ModelOutputStop | undefined>(['progress'], 'agent.modelOutput'),
  };
}

export type AgentHooks = ReturnType<typeof createAgentHooks>;

/** The agent plugin's hooks: `ctx.hooksOf(agentHooksRef)`, with "agent" in `dependencies`. */
export const agentHooksRef = createHooksRef<AgentHooks>('agent');

/** Same as `ctx.hooksOf(agentHooksRef)` (kept for plugins written before refs). */
export function getAgentHooks(ctx: Pick<PluginContext, 'hooksOf'>): AgentHooks {
  return ctx.hooksOf(agentHooksRef);
}
