/**
 * A streamable HTTP server (built in the test with the SDK's Server and
 * StreamableHTTPServerTransport on 127.0.0.1): headers with `${VAR}` references reach it, its
 * tools register, `tools/list_changed` adds a tool at run time, and the header secret is
 * masked wherever the config is shown.
 */
import { randomUUID } from 'node:crypto';
import { mcpServiceRef } from '../../../plugins/mcp/index.ts';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createTestKernel } from '../../../app/testing.ts';
import { maskSecrets } from '../../../core/validate/secrets.ts';
import rootSchema from '../../../schemas/moltbot.config.json' with { type: 'json' };
import type { ToolRegistry } from '../../../sdk/agent/tool-registry.ts';
import { eventually } from '../../helpers/eventually.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { context, registryOnly } from './kit.ts';

const KEY = 'docs-key-5b1e9c7d';

async function startHttpServer() {
  const tools: Tool[] = [{ name: 'add', description: 'Adds a and b.', inputSchema: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } }];
  const sessions = new Map<string, { server: Server; transport: StreamableHTTPServerTransport }>();
  const authorizations: (string | undefined)[] = [];
  const newSession = async () => {
    const server = new Server({ name: 'test-http', version: '1.0.0' }, { capabilities: { tools: { listChanged: true } } });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
    server.setRequestHandler(CallToolRequestSchema, async (request) => {
      const args = request.params.arguments as { a: number; b: number };
      if (request.params.name === 'add') return { content: [{ type: 'text', text: String(args.a + args.b) }] };
      if (request.params.name === 'shout') return { content: [{ type: 'text', text: String((args as unknown as { text: string }).text).toUpperCase() }] };
      return { content: [{ type: 'text', text: `no tool ${request.params.name}` }], isError: true };
    });
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, { server, transport }),
    });
    await server.connect(transport);
    return transport;
  };
  const http = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    authorizations.push(req.headers.authorization);
    if (req.headers.authorization !== `Bearer ${KEY}`) {
      res.writeHead(401).end();
      return;
    }
    const id = req.headers['mcp-session-id'];
    const existing = typeof id === 'string' ? sessions.get(id) : undefined;
    await (existing?.transport ?? (await newSession())).handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  onTestFinished(async () => {
    for (const { server } of sessions.values()) await server.close();
    http.closeAllConnections();
    if (http.listening) await new Promise((resolve) => http.close(resolve));
  });
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    /** Stops answering (sessions lost), as a restarted remote server would. */
    async stop() {
      for (const { server } of sessions.values()) await server.close();
      sessions.clear();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
    /** Listens again on the same port. */
    async resume() {
      await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
    },
    authorizations,
    /** Adds a tool and tells every connected client. */
    async addTool(tool: Tool) {
      tools.push(tool);
      for (const { server } of sessions.values()) await server.sendToolListChanged();
    },
  };
}

describe('mcp client over streamable HTTP', () => {
  it('headers (from ${VAR}) reach the server; tools register and answer; list_changed adds a tool at run time', async () => {
    const remote = await startHttpServer();
    // A config file, as users write it: `${VAR}` references are resolved when files are loaded.
    const tmp = useTempDir('moltbot-mcp-http-');
    const configFile = tmp.write('moltbot.config.json', JSON.stringify({ mcp: { servers: { docs: { url: remote.url, headers: { Authorization: 'Bearer ${DOCS_KEY}' } } } } }));
    const kernel = await createTestKernel({ config: undefined, configFile, env: { DOCS_KEY: KEY }, plugins: [registryOnly] });
    await kernel.use(mcpServiceRef).settled();
    expect(kernel.use(mcpServiceRef).stats()['docs']).toMatchObject({ state: 'ready', transport: 'http', tools: 1, serverInfo: { name: 'test-http' } });
    expect(remote.authorizations.every((value) => value === `Bearer ${KEY}`)).toBe(true);
    const tools = kernel.use('tools') as ToolRegistry;
    expect(await tools.get('mcp__docs__add')!.handler({ a: 2, b: 40 }, context())).toContain('\n42\n');
    await remote.addTool({ name: 'shout', description: 'Upper-cases text.', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } });
    const shout = await eventually(() => tools.get('mcp__docs__shout'), 'mcp__docs__shout after list_changed');
    expect(await shout.handler({ text: 'hi' }, context())).toContain('\nHI\n');
    expect(kernel.use(mcpServiceRef).stats()['docs']!.listChanged).toBe(1);
    // The header secret never shows where config is shown, nor in the log.
    const masked = maskSecrets(kernel.config as object, rootSchema) as { mcp: { servers: { docs: { headers: Record<string, string>; url: string } } } };
    expect(masked.mcp.servers.docs.headers['Authorization']).toBe('[REDACTED]');
    expect(JSON.stringify(kernel.logs)).not.toContain(KEY);
  });

  it('a wrong credential fails the connect with the HTTP status, and the server is retried', async () => {
    const remote = await startHttpServer();
    const kernel = await createTestKernel({
      config: { mcp: { servers: { docs: { url: remote.url, headers: { Authorization: 'Bearer wrong-key-123456' } } } } },
      plugins: [registryOnly, ['mcp', { connectTimeoutMs: 2000, backoff: { initialMs: 50, maxMs: 100 }, breaker: { threshold: 2, windowMs: 60_000, cooldownMs: 60_000 } }]],
    });
    await eventually(() => kernel.use(mcpServiceRef).stats()['docs']!.state === 'circuit-open', 'the breaker to open');
    expect(kernel.use(mcpServiceRef).stats()['docs']!.lastError).toMatch(/connect failed: .*HTTP 401/);
    expect(kernel.use(mcpServiceRef).stats()['docs']!.restarts).toBe(1);
  });

  it('a remote server that went away fails the call, and the client reconnects once it is back', async () => {
    const remote = await startHttpServer();
    const tmp = useTempDir('moltbot-mcp-http-');
    const configFile = tmp.write('moltbot.config.json', JSON.stringify({ mcp: { servers: { docs: { url: remote.url, headers: { Authorization: 'Bearer ${DOCS_KEY}' } } } } }));
    const kernel = await createTestKernel({ config: undefined, configFile, env: { DOCS_KEY: KEY }, plugins: [registryOnly, ['mcp', { backoff: { initialMs: 100, maxMs: 400 } }]] });
    await kernel.use(mcpServiceRef).settled();
    const tools = kernel.use('tools') as ToolRegistry;
    const add = tools.get('mcp__docs__add')!;
    await remote.stop();
    await expect(Promise.resolve(add.handler({ a: 1, b: 1 }, context()))).rejects.toThrow();
    expect(kernel.use(mcpServiceRef).stats()['docs']).toMatchObject({ failures: 1, lastError: expect.stringMatching(/^HTTP request failed: /) });
    expect(tools.get('mcp__docs__add')).toBeUndefined();
    await remote.resume();
    const back = await eventually(() => tools.get('mcp__docs__add'), 'the tools after the reconnect', 10_000);
    expect(await back.handler({ a: 20, b: 22 }, context())).toContain('\n42\n');
    expect(kernel.use(mcpServiceRef).stats()['docs']).toMatchObject({ state: 'ready', restarts: expect.any(Number) });
  });
});
