/**
 * `sessions_spawn`: runs a task in a child session (`agent:<agentId>:subagent:dm:<parentRunId>-<n>`)
 * of the caller's agent or of another agent the options allow, and returns the child's reply to
 * the parent's run as the tool result. Bounded three ways (depth of nesting, children per
 * parent run, children running at once): a spawn beyond a bound is a tool error saying which
 * bound and where to change it. The child is a non-main session of its agent, so it gets that
 * agent's tool limits and the sandbox of non-main sessions: never wider than its agent's. The
 * parent's signal is the child's, so aborting the parent aborts its children; the child's run
 * carries `parentRunId` (its trace's `run.start` names it) and the result names the child run.
 */
import { randomUUID } from 'node:crypto';
import { compileOnFirstUse, MoltbotError } from '../../sdk/core/index.ts';
import { parseSessionKey, toolErrors } from '../../sdk/agent/index.ts';
import type { AgentService, ToolContext, ToolDefinition } from '../../sdk/agent/index.ts';
import { sessionToolErrors } from './error-codes.ts';

export const SUBAGENT_CHANNEL = 'subagent';

export interface SpawnOptions {
  /** Nesting: 1 lets a session spawn children that cannot spawn again. */
  maxDepth: number;
  /** Children one parent run may spawn. */
  maxChildren: number;
  /** Children running at once across the gateway. */
  maxConcurrent: number;
  /** Other agents a session may spawn into (its own agent always; "*" any). */
  allowAgents: string[];
  /** Longest task text. */
  maxTaskChars: number;
}

export class SpawnToolError extends MoltbotError {
  override name = 'SpawnToolError';
}

const refuse = (message: string) => new SpawnToolError(sessionToolErrors.MOLT_ERR_TOOL_SPAWN_REFUSED, { message: `sessions_spawn: ${message}`, plugin: 'tools-sessions' });

export interface SpawnRequest {
  task: string;
  agentId: string;
  /** The spawning run (a tool call), absent for an operator's RPC. */
  parent?: { runId: string; sessionKey: string };
  signal?: AbortSignal;
}

export interface SpawnResult { agentId: string; sessionKey: string; runId: string; text: string }

/** The tool and the operator's entry (RPC `sessions.spawn`), sharing the bounds. */
export function createSpawner(agent: () => AgentService, options: SpawnOptions): { tool: ToolDefinition; spawn(request: SpawnRequest): Promise<SpawnResult> } {
  const parameters = {
    type: 'object', additionalProperties: false, required: ['task'],
    properties: {
      task: { type: 'string', minLength: 1, maxLength: options.maxTaskChars, description: 'What the sub-agent should do; its final reply is returned.' },
      agentId: { type: 'string', minLength: 1, maxLength: 64, description: 'Agent to run it (default: this session\'s agent).' },
    },
  };
  const validate = compileOnFirstUse(parameters);
  /** Depth of each child session this process spawned (a child key it does not know: assume the limit). */
  const depths = new Map<string, number>();
  const childrenOf = new Map<string, number>();
  let running = 0;

  const depthOf = (sessionKey: string): number => {
    const parts = parseSessionKey(sessionKey);
    if (parts.channel !== SUBAGENT_CHANNEL) return 0;
    return depths.get(sessionKey) ?? options.maxDepth;
  };

  async function spawn({ task, agentId, parent, signal }: SpawnRequest): Promise<SpawnResult> {
    const depth = parent === undefined ? 1 : depthOf(parent.sessionKey) + 1;
    if (depth > options.maxDepth) {
      throw refuse(`depth limit reached: this session is already a sub-agent at depth ${depth - 1}, and spawn.maxDepth is ${options.maxDepth} (tools-sessions options)`);
    }
    const owner = parent?.runId ?? `rpc-${randomUUID()}`;
    const spawned = childrenOf.get(owner) ?? 0;
    if (spawned >= options.maxChildren) throw refuse(`this run already spawned ${spawned} sub-agents (spawn.maxChildren is ${options.maxChildren})`);
    if (running >= options.maxConcurrent) throw refuse(`${running} sub-agents are running (spawn.maxConcurrent is ${options.maxConcurrent}); try again when one finished`);
    if (parent !== undefined) childrenOf.set(owner, spawned + 1);
    const sessionKey = `agent:${agentId}:${SUBAGENT_CHANNEL}:dm:${owner}-${spawned + 1}`;
    depths.set(sessionKey, depth);
    running++;
    try {
      const result = await agent().run({
        sessionKey,
        message: task,
        // The parent's abort (or timeout) stops the child.
        ...(signal !== undefined ? { signal } : {}),
        metadata: { ...(parent !== undefined ? { parentRunId: parent.runId, parentSessionKey: parent.sessionKey } : {}), depth },
      });
      return { agentId, sessionKey, runId: result.runId, text: result.text };
    } finally {
      running--;
    }
  }

  const tool: ToolDefinition = {
    name: 'sessions_spawn',
    description: 'Run a task in a new sub-agent session and get its final reply.',
    parameters,
    async handler(args: unknown, context: ToolContext) {
      if (!validate(args)) {
        const first = validate.errors?.[0];
        throw new SpawnToolError(toolErrors.MOLT_ERR_TOOL_INVALID_ARGS, { message: `sessions_spawn: ${first?.instancePath || 'arguments'} ${first?.message ?? 'are invalid'}`, plugin: 'tools-sessions' });
      }
      const { task, agentId } = args as { task: string; agentId?: string };
      const caller = parseSessionKey(context.sessionKey);
      const target = agentId ?? caller.agentId;
      if (target !== caller.agentId && !options.allowAgents.includes(target) && !options.allowAgents.includes('*')) {
        throw refuse(`agent "${target}" is not allowed (tools-sessions spawn.allowAgents: ${JSON.stringify(options.allowAgents)}); a session may spawn into its own agent "${caller.agentId}"`);
      }
      return spawn({ task, agentId: target, parent: { runId: context.runId, sessionKey: context.sessionKey }, signal: context.signal });
    },
  };
  return { tool, spawn };
}
