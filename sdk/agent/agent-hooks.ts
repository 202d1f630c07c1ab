/**
 * The agent plugin's own hooks (reach them with `ctx.hooksOf(agentHooksRef)`, "agent" in
 * `dependencies`). `beforeCompaction` runs before older turns of a session are folded into a
 * summary: a tap may call `flush()` to give the model one silent turn with some tools (the
 * memory plugin asks it to write durable facts down), so nothing important is lost with the
 * folded turns. A failing tap is logged and never stops the compaction.
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

export function createAgentHooks() {
  return {
    beforeCompaction: new tapable.AsyncSeriesHook<[BeforeCompaction]>(['compaction'], 'agent.beforeCompaction'),
  };
}

export type AgentHooks = ReturnType<typeof createAgentHooks>;

/** The agent plugin's hooks: `ctx.hooksOf(agentHooksRef)`, with "agent" in `dependencies`. */
export const agentHooksRef = createHooksRef<AgentHooks>('agent');

/** Same as `ctx.hooksOf(agentHooksRef)` (kept for plugins written before refs). */
export function getAgentHooks(ctx: Pick<PluginContext, 'hooksOf'>): AgentHooks {
  return ctx.hooksOf(agentHooksRef);
}
