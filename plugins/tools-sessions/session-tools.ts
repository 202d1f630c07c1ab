/**
 * `sessions_list`, `sessions_history`, `sessions_send` over the agent service. Sandbox
 * inheritance is enforced here, not left to the model (GHSA-474h-prjg-mmw3, GHSA-943q): a
 * sandboxed caller sees and reaches only its own session, never the main one or another
 * agent's; a caller never sends to itself; sends are fire-and-forget (no run waits on another
 * run, so two sessions cannot deadlock) and rate-limited per caller (no endless ping-pong).
 */
import { MoltbotError } from '../../sdk/core/index.ts';
import { compileOnFirstUse } from '../../sdk/core/index.ts';
import type { AgentService } from '../../sdk/agent/index.ts';
import { parseSessionKey } from '../../sdk/agent/index.ts';
import type { ToolContext, ToolDefinition } from '../../sdk/agent/index.ts';
import { sessionToolErrors } from './error-codes.ts';
import { toolErrors } from '../../sdk/agent/index.ts';

export interface SessionToolOptions {
  /** Sessions one caller may send to per minute. */
  maxSendsPerMinute: number;
  /** Messages sessions_history returns at most. */
  maxHistory: number;
  /** Largest message sessions_send accepts (characters). */
  maxMessageChars: number;
}

export interface SessionToolDeps {
  agent: () => AgentService;
  /** Whether a session runs sandboxed (the tool policy's answer; main-only fallback without it). */
  sandboxed: (sessionKey: string) => boolean;
  now?: () => number;
}

export class SessionToolError extends MoltbotError {
  override name = 'SessionToolError';
  declare readonly code: (typeof sessionToolErrors)[keyof typeof sessionToolErrors] | typeof toolErrors.MOLT_ERR_TOOL_INVALID_ARGS;

  constructor(code: SessionToolError['code'], message: string) {
    super(code, { message, plugin: 'tools-sessions' });
  }
}

const KEY = { type: 'string', minLength: 1, maxLength: 300, description: 'Session key, e.g. agent:main:telegram:dm:42.' };

export function createSessionTools(deps: SessionToolDeps, options: SessionToolOptions): ToolDefinition[] {
  const now = deps.now ?? Date.now;
  const sends = new Map<string, number[]>();

  /** Which sessions a caller may look at or reach. */
  const reachable = (caller: string, target: string): string | undefined => {
    const from = parseSessionKey(caller);
    let to;
    try {
      to = parseSessionKey(target);
    } catch {
      return `${JSON.stringify(target.slice(0, 80))} is not a session key`;
    }
    if (to.agentId !== from.agentId) return 'sessions of another agent are out of reach';
    if (deps.sandboxed(caller) && target !== caller) return 'a sandboxed session can only reach itself';
    return undefined;
  };

  const tool = <A>(name: string, description: string, parameters: object, run: (args: A, context: ToolContext) => Promise<unknown>): ToolDefinition => {
    const validate = compileOnFirstUse(parameters);
    return {
      name, description, parameters,
      handler: async (args: unknown, context: ToolContext) => {
        if (!validate(args)) {
          const first = validate.errors?.[0];
          throw new SessionToolError(toolErrors.MOLT_ERR_TOOL_INVALID_ARGS, `${name}: ${first?.instancePath || 'arguments'} ${first?.message ?? 'are invalid'}`);
        }
        return run(args as A, context);
      },
    };
  };

  return [
    tool<Record<string, never>>('sessions_list', 'List the sessions this session may see (a sandboxed session sees only itself).', {
      type: 'object', additionalProperties: false, properties: {},
    }, async (_args, context) => {
      const { agentId } = parseSessionKey(context.sessionKey);
      const sessions = await deps.agent().listSessions(agentId);
      return sessions
        .filter((s) => reachable(context.sessionKey, s.key) === undefined)
        .map((s) => ({ key: s.key, updatedAt: s.updatedAt, messageCount: s.messageCount }));
    }),
    tool<{ sessionKey: string; limit?: number }>('sessions_history', 'Read the latest messages of a session this session may see.', {
      type: 'object', additionalProperties: false, required: ['sessionKey'],
      properties: { sessionKey: KEY, limit: { type: 'integer', minimum: 1, maximum: options.maxHistory, description: 'Messages to return (latest last).' } },
    }, async ({ sessionKey, limit }, context) => {
      const refused = reachable(context.sessionKey, sessionKey);
      if (refused !== undefined) throw new SessionToolError(sessionToolErrors.MOLT_ERR_TOOL_SESSION_FORBIDDEN, `sessions_history: ${refused}`);
      const entries = await deps.agent().history(sessionKey, limit ?? Math.min(20, options.maxHistory));
      return entries.map((e) => ({ role: e.role, content: e.content, at: e.at }));
    }),
    tool<{ sessionKey: string; message: string }>('sessions_send', 'Send a message to another session of this agent; its reply is not awaited.', {
      type: 'object', additionalProperties: false, required: ['sessionKey', 'message'],
      properties: { sessionKey: KEY, message: { type: 'string', minLength: 1, maxLength: options.maxMessageChars, description: 'Message text.' } },
    }, async ({ sessionKey, message }, context) => {
      if (sessionKey === context.sessionKey) throw new SessionToolError(sessionToolErrors.MOLT_ERR_TOOL_SESSION_FORBIDDEN, 'sessions_send: a session cannot send to itself');
      const refused = reachable(context.sessionKey, sessionKey);
      if (refused !== undefined) throw new SessionToolError(sessionToolErrors.MOLT_ERR_TOOL_SESSION_FORBIDDEN, `sessions_send: ${refused}`);
      const t = now();
      const recent = (sends.get(context.sessionKey) ?? []).filter((at) => t - at < 60_000);
      if (recent.length >= options.maxSendsPerMinute) {
        throw new SessionToolError(sessionToolErrors.MOLT_ERR_TOOL_SESSION_RATE_LIMITED, `sessions_send: at most ${options.maxSendsPerMinute} sends per minute from one session`);
      }
      sends.set(context.sessionKey, [...recent, t]);
      const runId = await new Promise<string>((resolve, reject) => {
        deps.agent().run({ sessionKey, message, metadata: { sentBy: context.sessionKey }, onAccepted: resolve }).catch(reject);
      });
      return { accepted: true, runId };
    }),
  ];
}
