/**
 * The MCP face of the assistant: four tools, each a gateway RPC call made through a
 * `GatewayLink` opened with the caller's own credential, so the gateway's scope checks decide
 * (a read credential lists and reads; `send_message` needs write). Gateway refusals become MCP
 * tool errors (`isError`) whose text names the code and what to do.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { KERNEL_VERSION } from '../../sdk/core/index.ts';
import type { GatewayError, GatewayLink } from './gateway-link.ts';
import { awaitReply } from './reply.ts';
import { registerSessionResources } from './resources.ts';

export interface ToolSettings {
  replyTimeoutMs: number;
  maxHistory: number;
  maxTextChars: number;
}

/** Opens (or reuses) the gateway connection when a tool first needs it. */
export type LinkProvider = () => Promise<GatewayLink>;

const SESSION_KEY = z.string().min(1).max(300).describe('Session key, e.g. agent:main:main (the main session when omitted)');

const HINTS: Record<string, string> = {
  FORBIDDEN: 'the credential this MCP server uses lacks the scope; use a gateway credential with more scopes',
  UNREACHABLE: 'start the gateway (`moltbot gateway`) or check gateway.port / --url',
  UNAUTHORIZED: 'check the gateway token or password this MCP server uses',
  AUTH_RATE_LIMITED: 'too many failed logins from this source; wait and retry',
  RATE_LIMITED: 'slow down and retry',
  NOT_FOUND: 'list_sessions shows the session keys that exist',
};

export function toolError(error: unknown): CallToolResult {
  const code = (error as Partial<GatewayError>)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const hint = code !== undefined && HINTS[code] !== undefined ? ` (${HINTS[code]})` : '';
  return { isError: true, content: [{ type: 'text', text: `${code ?? 'ERROR'}: ${message}${hint}` }] };
}

function ok<T extends Record<string, unknown>>(structured: T, text: string): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

const clip = (text: string, max: number) => (text.length > max ? { content: text.slice(0, max), truncated: true } : { content: text });

export function createMcpServer(link: LinkProvider, settings: ToolSettings): McpServer {
  const server = new McpServer(
    { name: 'moltbot', title: 'Moltbot', version: KERNEL_VERSION },
    {
      instructions: 'Moltbot is a personal AI assistant gateway. send_message talks to its agent and returns the reply; list_sessions, session_history and list_channels show its state; each session is also a resource (moltbot://session/<key>) whose text is its history.',
      // logging/setLevel is accepted (the SDK keeps the level); the server sends no log messages of its own yet.
      capabilities: { logging: {} },
    },
  );
  const run = async (work: (gateway: GatewayLink) => Promise<CallToolResult>): Promise<CallToolResult> => {
    try {
      return await work(await link());
    } catch (error) {
      return toolError(error);
    }
  };

  server.registerTool('send_message', {
    title: 'Send a message to the assistant',
    description: 'Sends a message to a Moltbot session (the main session by default) as the owner would, waits for the agent run to finish and returns the reply text. Needs a credential with the write scope (gateway RPC chat.send).',
    inputSchema: {
      message: z.string().min(1).max(200_000).describe('What to say to the assistant'),
      sessionKey: SESSION_KEY.optional(),
      timeoutMs: z.number().int().min(1000).max(3_600_000).optional().describe(`How long to wait for the reply (default ${settings.replyTimeoutMs} ms); the run goes on past it`),
    },
    outputSchema: {
      runId: z.string(),
      sessionKey: z.string(),
      status: z.enum(['ok', 'error', 'aborted']),
      text: z.string().describe('The agent\'s reply'),
      model: z.string().optional(),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
  }, (args, extra) => run(async (gateway) => {
    const reply = await awaitReply(gateway, {
      message: args.message,
      ...(args.sessionKey !== undefined ? { sessionKey: args.sessionKey } : {}),
      timeoutMs: args.timeoutMs ?? settings.replyTimeoutMs,
      signal: extra.signal,
      onDelta: extra._meta?.progressToken === undefined ? undefined : (count, text) => {
        void extra.sendNotification({ method: 'notifications/progress', params: { progressToken: extra._meta!.progressToken!, progress: count, message: text } }).catch(() => undefined);
      },
    });
    if (reply.status !== 'ok') return toolError(Object.assign(new Error(`the run ended with status ${reply.status}${reply.error ? `: ${reply.error.message}` : ''}`), { code: reply.error?.code ?? 'RUN_FAILED' }));
    return ok({ runId: reply.runId, sessionKey: reply.sessionKey, status: reply.status, text: reply.text, ...(reply.model ? { model: reply.model } : {}) }, reply.text);
  }));

  server.registerTool('list_sessions', {
    title: 'List sessions',
    description: 'Lists the sessions of an agent (default "main") with their message counts and last activity (gateway RPC sessions.list, read scope).',
    inputSchema: { agentId: z.string().min(1).max(64).optional().describe('Agent id (default main)') },
    outputSchema: {
      sessions: z.array(z.object({
        key: z.string(), agentId: z.string(), createdAt: z.number(), updatedAt: z.number(), messageCount: z.number(),
      }).loose()),
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, (args) => run(async (gateway) => {
    const { sessions } = (await gateway.call('sessions.list', args.agentId === undefined ? {} : { agentId: args.agentId })) as { sessions: { key: string; agentId: string; createdAt: number; updatedAt: number; messageCount: number }[] };
    const view = sessions.map(({ key, agentId, createdAt, updatedAt, messageCount }) => ({ key, agentId, createdAt, updatedAt, messageCount }));
    const text = view.length === 0 ? 'no sessions' : view.map((s) => `${s.key} (${s.messageCount} messages, last ${new Date(s.updatedAt).toISOString()})`).join('\n');
    return ok({ sessions: view }, text);
  }));

  server.registerTool('session_history', {
    title: 'Read a session\'s history',
    description: `Returns the last messages of a session (the main session by default), oldest first: at most ${settings.maxHistory} messages, each cut at ${settings.maxTextChars} characters (gateway RPC sessions.history, read scope).`,
    inputSchema: {
      sessionKey: SESSION_KEY.optional(),
      limit: z.number().int().min(1).max(settings.maxHistory).optional().describe(`How many of the last messages (default and most ${settings.maxHistory})`),
    },
    outputSchema: {
      sessionKey: z.string(),
      messages: z.array(z.object({
        role: z.enum(['user', 'assistant', 'tool']), content: z.string(), at: z.number(), truncated: z.boolean().optional(), name: z.string().optional(),
      })),
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, (args) => run(async (gateway) => {
    const sessionKey = args.sessionKey ?? 'agent:main:main';
    const { messages } = (await gateway.call('sessions.history', { sessionKey, limit: args.limit ?? settings.maxHistory })) as { messages: { role: 'user' | 'assistant' | 'tool'; content: string; at: number; name?: string }[] };
    const view = messages.map((m) => ({ role: m.role, at: m.at, ...clip(m.content ?? '', settings.maxTextChars), ...(m.role === 'tool' && m.name ? { name: m.name } : {}) }));
    const text = view.length === 0 ? `no messages in ${sessionKey}` : view.map((m) => `${m.role}${m.name ? ` (${m.name})` : ''}: ${m.content}${m.truncated ? ' […]' : ''}`).join('\n');
    return ok({ sessionKey, messages: view }, text);
  }));

  server.registerTool('list_channels', {
    title: 'List channels',
    description: 'Lists the messaging channels (telegram, irc, webchat, ...) with their state, queue and counters (gateway RPC channels.status, read scope).',
    inputSchema: {},
    outputSchema: {
      channels: z.array(z.object({ id: z.string(), state: z.string(), since: z.number() }).loose()),
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, () => run(async (gateway) => {
    const { channels } = (await gateway.call('channels.status', {})) as { channels: { id: string; state: string; since: number; lastError?: { message: string } }[] };
    const text = channels.length === 0 ? 'no channels' : channels.map((c) => `${c.id}: ${c.state}${c.lastError ? ` (last error: ${c.lastError.message})` : ''}`).join('\n');
    return ok({ channels }, text);
  }));
  registerSessionResources(server, link, settings);
  return server;
}
