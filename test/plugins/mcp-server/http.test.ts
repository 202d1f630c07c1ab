/** `/mcp` on the gateway port, driven by the official MCP SDK client over streamable HTTP. */
import { describe, expect, it } from 'vitest';
import { openClient, PASSWORD } from '../gateway/helpers.ts';
import { httpClient, READER_TOKEN, startMcpGateway, textOf } from './harness.ts';

const TOOLS = ['list_channels', 'list_sessions', 'send_message', 'session_history'];

describe('MCP over streamable HTTP at /mcp', () => {
  it('lists the tools, each described with input and output schemas', async () => {
    const h = await startMcpGateway(true);
    const client = await httpClient(h.httpUrl, PASSWORD);
    expect(client.getServerVersion()?.name).toBe('moltbot');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.description!.length).toBeGreaterThan(20);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
    }
    expect(tools.find((t) => t.name === 'send_message')!.inputSchema.required).toEqual(['message']);
  });

  it('sends a message and returns the fake provider\'s reply; sessions and history show it', async () => {
    const h = await startMcpGateway(true);
    const client = await httpClient(h.httpUrl, PASSWORD);
    const sent = await client.callTool({ name: 'send_message', arguments: { message: 'hello over mcp' } });
    expect(sent.isError).toBeFalsy();
    expect(textOf(sent)).toBe('echo: hello over mcp');
    expect(sent.structuredContent).toMatchObject({ sessionKey: 'agent:main:main', status: 'ok', text: 'echo: hello over mcp' });
    expect(h.fake.requests).toHaveLength(1);

    const listed = await client.callTool({ name: 'list_sessions', arguments: {} });
    expect((listed.structuredContent as { sessions: { key: string; messageCount: number }[] }).sessions)
      .toEqual([expect.objectContaining({ key: 'agent:main:main', messageCount: 2 })]);

    const history = await client.callTool({ name: 'session_history', arguments: { sessionKey: 'agent:main:main', limit: 1 } });
    expect((history.structuredContent as { messages: unknown[] }).messages).toEqual([expect.objectContaining({ role: 'assistant', content: 'echo: hello over mcp' })]);

    const channels = await client.callTool({ name: 'list_channels', arguments: {} });
    expect(channels.isError).toBeFalsy();
    expect((channels.structuredContent as { channels: { id: string }[] }).channels.map((c) => c.id)).toContain('webchat');
  });

  it('streams the reply as progress notifications when the caller asks for progress', async () => {
    const h = await startMcpGateway(true);
    h.fake.script({ text: 'one two three four', chunks: 4 });
    const client = await httpClient(h.httpUrl, PASSWORD);
    const progress: string[] = [];
    const sent = await client.callTool({ name: 'send_message', arguments: { message: 'count' } }, undefined, { onprogress: (p) => progress.push(p.message ?? '') });
    expect(textOf(sent)).toBe('one two three four');
    expect(progress.join('')).toBe('one two three four');
  });

  it('answers 401 without a credential and with a wrong one', async () => {
    const h = await startMcpGateway(true);
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    const post = (headers: Record<string, string>) => fetch(`${h.httpUrl}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(init) });
    const none = await post({});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect((await post({ authorization: 'Bearer not-the-secret' })).status).toBe(401);
    await expect(httpClient(h.httpUrl, undefined)).rejects.toThrow(/401|Unauthorized/i);
  });

  it('failed Bearer attempts on /mcp count toward the same per-source lockout as RPC logins', async () => {
    const h = await startMcpGateway(true);
    const post = (secret: string) => fetch(`${h.httpUrl}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt++) statuses.push((await post(`wrong-secret-${attempt}`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    // Locked: the right password is refused too, on /mcp and on the WebSocket RPC handshake.
    const locked = await post(PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const ws = openClient(h.url);
    const hello = await ws.connect({ password: PASSWORD });
    expect(hello.error?.code).toBe('AUTH_RATE_LIMITED');
  });

  it('a read-only credential lists and reads but cannot send (chat.send needs write)', async () => {
    const h = await startMcpGateway(true);
    const client = await httpClient(h.httpUrl, READER_TOKEN);
    const listed = await client.callTool({ name: 'list_sessions', arguments: {} });
    expect(listed.isError).toBeFalsy();
    const history = await client.callTool({ name: 'session_history', arguments: {} });
    expect(history.isError).toBeFalsy();
    const sent = await client.callTool({ name: 'send_message', arguments: { message: 'let me in' } });
    expect(sent.isError).toBe(true);
    expect(textOf(sent)).toMatch(/^FORBIDDEN: method "chat.send" requires scope "write"/);
    expect(h.fake.requests).toHaveLength(0);
  });

  it('a bad tool argument is an MCP error naming the field', async () => {
    const h = await startMcpGateway(true);
    const client = await httpClient(h.httpUrl, PASSWORD);
    const result = await client.callTool({ name: 'session_history', arguments: { limit: 0 } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/limit/);
  });

  it('is off by default (404)', async () => {
    const h = await startMcpGateway(false);
    const response = await fetch(`${h.httpUrl}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${PASSWORD}`, 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(404);
  });
});

describe('/mcp calls the gateway in process', () => {
  it('send_message returns the agent\'s reply through the gateway\'s request path, without a WebSocket to it', async () => {
    const h = await startMcpGateway(true);
    const closed: string[] = [];
    h.service.onDisconnect((id) => closed.push(id));
    const client = await httpClient(h.httpUrl, PASSWORD);
    const requests = h.service.stats().requests;
    const sent = await client.callTool({ name: 'send_message', arguments: { message: 'in process' } });
    expect(sent.isError).toBeFalsy();
    expect(textOf(sent)).toBe('echo: in process');
    expect(sent.structuredContent).toMatchObject({ status: 'ok', text: 'echo: in process' });
    // chat.send went through the gateway's gates (counted as a request) on no socket.
    expect(h.service.stats().requests).toBe(requests + 1);
    expect(h.service.connections).toBe(0);
    // The request's in-process connection is closed with the HTTP response (disconnect listeners ran).
    await expect.poll(() => closed.length).toBeGreaterThan(0);
  });

  it('a read credential cannot send_message: the grant of the HTTP authentication decides, not the caller', async () => {
    const h = await startMcpGateway(true);
    const client = await httpClient(h.httpUrl, READER_TOKEN);
    const sent = await client.callTool({ name: 'send_message', arguments: { message: 'let me in' } });
    expect(sent.isError).toBe(true);
    expect(textOf(sent)).toBe('FORBIDDEN: method "chat.send" requires scope "write" (the credential this MCP server uses lacks the scope; use a gateway credential with more scopes)');
    expect(h.fake.requests).toHaveLength(0);
    expect(h.service.connections).toBe(0);
    // The same credential over the WebSocket is refused the same way.
    const ws = openClient(h.url);
    expect((await ws.connect({ token: READER_TOKEN })).ok).toBe(true);
    expect((await ws.request('chat.send', { message: 'let me in' })).error).toMatchObject({ code: 'FORBIDDEN', message: 'method "chat.send" requires scope "write"' });
  });
});

describe('/mcp sessions as resources', () => {
  it('lists sessions as resources and reads a session\'s history as text; an unknown session is "Resource not found"', async () => {
    const h = await startMcpGateway(true);
    const writer = await httpClient(h.httpUrl, PASSWORD);
    expect((await writer.listResources()).resources).toEqual([]);
    await writer.callTool({ name: 'send_message', arguments: { message: 'remember me' } });
    // A read credential is enough for resources.
    const reader = await httpClient(h.httpUrl, READER_TOKEN);
    const { resources } = await reader.listResources();
    expect(resources).toEqual([expect.objectContaining({ uri: 'moltbot://session/agent%3Amain%3Amain', name: 'agent:main:main', mimeType: 'text/plain' })]);
    const read = await reader.readResource({ uri: resources[0]!.uri });
    expect(read.contents).toHaveLength(1);
    const [content] = read.contents as { uri: string; mimeType: string; text: string }[];
    expect(content).toMatchObject({ uri: 'moltbot://session/agent%3Amain%3Amain', mimeType: 'text/plain' });
    expect(content!.text.split('\n')).toEqual([expect.stringMatching(/^\S+Z user: remember me$/), expect.stringMatching(/^\S+Z assistant: echo: remember me$/)]);
    await expect(reader.readResource({ uri: 'moltbot://session/agent%3Amain%3Awebchat%3Adm%3Anobody' })).rejects.toThrow(/^MCP error -32002: Resource not found: no session "agent:main:webchat:dm:nobody"/);
    await expect(reader.readResource({ uri: 'moltbot://session/not-a-key' })).rejects.toThrow(/^MCP error -32602: INVALID_SESSION_KEY: invalid session key "not-a-key"/);
  });
});

describe('/mcp transport edges', () => {
  it('is stateless: GET and DELETE answer 405; a body that is not JSON is a JSON-RPC parse error', async () => {
    const h = await startMcpGateway(true);
    const auth = { authorization: `Bearer ${PASSWORD}` };
    const get = await fetch(`${h.httpUrl}/mcp`, { headers: { ...auth, accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await fetch(`${h.httpUrl}/mcp`, { method: 'DELETE', headers: auth })).status).toBe(405);
    const bad = await fetch(`${h.httpUrl}/mcp`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{not json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
  });
});

describe('/mcp at gateway shutdown', () => {
  it('a send_message still waiting for its reply ends with a tool error when the gateway closes, without holding the drain', async () => {
    const h = await startMcpGateway(true);
    h.fake.script({ hang: true });
    const client = await httpClient(h.httpUrl, PASSWORD);
    const pending = client.callTool({ name: 'send_message', arguments: { message: 'never answered' } }).then((r) => r, (e: Error) => e);
    while (h.fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // A request holding the drain would make close() reject (MOLT_ERR_KERNEL_DRAIN_TIMEOUT).
    await h.kernel.close();
    const outcome = await pending;
    expect(outcome).not.toBeInstanceOf(Error);
    // The agent aborts its runs at close, or the gateway drops the connection first: either way a tool error now.
    expect((outcome as { isError?: boolean }).isError).toBe(true);
    expect(textOf(outcome)).toMatch(/^(ABORTED: the run ended with status aborted|CLOSED: the gateway connection closed before run .* ended)/);
  });
});
