/**
 * Sessions as MCP resources: `resources/list` lists the main agent's sessions as
 * `moltbot://session/<url-encoded key>` (gateway RPC sessions.list), and `resources/read` of
 * any session (sessions.inspect, then sessions.history) returns its history as plain text,
 * oldest first, with the limits of the `session_history` tool. Both are RPC calls under the caller's scopes, like the tools.
 * Failures are JSON-RPC errors, as the spec asks of resources (not tool errors): an unknown
 * session is -32002 "Resource not found", a malformed session key -32602, anything else the
 * gateway refuses -32603 with its code and hint in the message. No subscriptions: `/mcp` is stateless.
 */
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { LinkProvider, ToolSettings } from './tools.ts';
import { toolError } from './tools.ts';

/** The spec's code for a resource that does not exist. */
const RESOURCE_NOT_FOUND = -32002;
const PREFIX = 'moltbot://session/';

export const sessionUri = (key: string): string => `${PREFIX}${encodeURIComponent(key)}`;

type Message = { role: 'user' | 'assistant' | 'tool'; content: string; at: number; name?: string };

/**
 * An error the SDK answers as this JSON-RPC code and message (it reads `code` and `message`;
 * McpError would put "MCP error <code>:" into the message a second time).
 */
function jsonRpcError(code: number, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** The gateway's refusal with the same text a tool error would carry (code and hint). */
function rpcFailure(error: unknown): Error {
  const code = (error as { code?: unknown }).code;
  const text = (toolError(error).content[0] as { text: string }).text;
  return jsonRpcError(code === 'INVALID_SESSION_KEY' ? ErrorCode.InvalidParams : ErrorCode.InternalError, text);
}

export function registerSessionResources(server: McpServer, link: LinkProvider, settings: ToolSettings): void {
  const template = new ResourceTemplate(`${PREFIX}{sessionKey}`, {
    list: async () => {
      try {
        const gateway = await link();
        const { sessions } = (await gateway.call('sessions.list', {})) as { sessions: { key: string; messageCount: number; updatedAt: number }[] };
        return {
          resources: sessions.map((s) => ({
            uri: sessionUri(s.key),
            name: s.key,
            title: `Session ${s.key}`,
            description: `${s.messageCount} messages, last ${new Date(s.updatedAt).toISOString()}`,
            mimeType: 'text/plain',
          })),
        };
      } catch (error) {
        throw rpcFailure(error);
      }
    },
  });
  server.registerResource('session', template, {
    title: 'Session history',
    description: `A session's last messages (at most ${settings.maxHistory}, each cut at ${settings.maxTextChars} characters) as text, oldest first`,
    mimeType: 'text/plain',
  }, async (uri, variables) => {
    const raw = Array.isArray(variables.sessionKey) ? variables.sessionKey[0] : variables.sessionKey;
    let sessionKey: string;
    try {
      sessionKey = decodeURIComponent(raw ?? '');
    } catch {
      throw jsonRpcError(ErrorCode.InvalidParams, `${uri.href} is not a session URI (${PREFIX}<url-encoded session key>)`);
    }
    if (sessionKey.length === 0 || sessionKey.length > 300) throw jsonRpcError(ErrorCode.InvalidParams, `${uri.href}: the session key must be 1 to 300 characters`);
    let messages: Message[];
    try {
      const gateway = await link();
      await gateway.call('sessions.inspect', { sessionKey });
      messages = ((await gateway.call('sessions.history', { sessionKey, limit: settings.maxHistory })) as { messages: Message[] }).messages;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'NOT_FOUND') throw jsonRpcError(RESOURCE_NOT_FOUND, `Resource not found: no session "${sessionKey}" (resources/list shows the sessions)`);
      throw rpcFailure(error);
    }
    const text = messages.length === 0
      ? `no messages in ${sessionKey}`
      : messages.map((m) => {
        const content = m.content ?? '';
        const clipped = content.length > settings.maxTextChars ? `${content.slice(0, settings.maxTextChars)} […]` : content;
        return `${new Date(m.at).toISOString()} ${m.role}${m.role === 'tool' && m.name ? ` (${m.name})` : ''}: ${clipped}`;
      }).join('\n');
    return { contents: [{ uri: uri.href, mimeType: 'text/plain', text }] };
  });
}
