/**
 * `moltbot mcp serve` as a real CLI process, spoken to by the official MCP SDK client over
 * stdio, acting on a real gateway process (fake model provider) with the local credential:
 * the token the gateway generated in the shared state dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../../helpers/cli.ts';
import { startFakeProvider, type FakeProvider } from '../../helpers/fake-provider.ts';
import { startGatewayProcess, writeConfig, type GatewayProcess } from '../../helpers/gateway-process.ts';
import { textOf } from './harness.ts';

describe('moltbot mcp serve (stdio, real processes)', { timeout: 60_000 }, () => {
  let dir: string;
  let fake: FakeProvider;
  let gateway: GatewayProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'moltbot-mcp-serve-'));
    fake = await startFakeProvider();
    writeConfig(dir, {
      agent: { model: 'fake/echo' },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake-key' } },
    });
    gateway = await startGatewayProcess(dir, 'a');
  });

  afterAll(async () => {
    await gateway?.stop();
    await fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function serve(args: string[] = []): Promise<{ client: Client; stderr: () => string; errors: Error[] }> {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp', 'serve', '--url', gateway.url, ...args],
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, MOLTBOT_STATE_DIR: join(dir, 'state-a') },
      stderr: 'pipe',
    });
    let stderr = '';
    (transport.stderr as PassThrough | null)?.on('data', (chunk) => { stderr += chunk; });
    const client = new Client({ name: 'moltbot-test', version: '1.0.0' });
    // Anything but an MCP frame on stdout reaches the client as a transport error.
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    await client.connect(transport);
    return { client, stderr: () => stderr, errors };
  }

  it('lists the tools, sends a message and gets the reply, lists sessions and reads history', async () => {
    const { client, errors } = await serve();
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['list_channels', 'list_sessions', 'send_message', 'session_history']);

      const sent = await client.callTool({ name: 'send_message', arguments: { message: 'hello from stdio' } });
      expect(sent.isError).toBeFalsy();
      expect(textOf(sent)).toBe('echo: hello from stdio');

      const sessions = await client.callTool({ name: 'list_sessions', arguments: {} });
      expect(textOf(sessions)).toContain('agent:main:main (2 messages');

      const history = await client.callTool({ name: 'session_history', arguments: {} });
      expect((history.structuredContent as { messages: { role: string; content: string }[] }).messages.slice(-2))
        .toEqual([expect.objectContaining({ role: 'user', content: 'hello from stdio' }), expect.objectContaining({ role: 'assistant', content: 'echo: hello from stdio' })]);

      const channels = await client.callTool({ name: 'list_channels', arguments: {} });
      expect(textOf(channels)).toContain('webchat');
      expect(errors).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('--read-only narrows the local credential to read: lists, cannot send', async () => {
    const { client, errors, stderr } = await serve(['--read-only']);
    try {
      const sessions = await client.callTool({ name: 'list_sessions', arguments: {} });
      expect(sessions.isError).toBeFalsy();
      const sent = await client.callTool({ name: 'send_message', arguments: { message: 'not allowed' } });
      expect(sent.isError).toBe(true);
      expect(textOf(sent)).toMatch(/^FORBIDDEN: method "chat.send" requires scope "write"/);
      expect(stderr()).toContain('(read-only)');
      expect(errors).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('a gateway that is not there is a tool error saying so, not a crash', async () => {
    const { client, errors } = await serve(['--url', 'ws://127.0.0.1:1/']);
    try {
      const result = await client.callTool({ name: 'list_sessions', arguments: {} });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^UNREACHABLE: cannot reach the gateway at ws:\/\/127\.0\.0\.1:1\/.*moltbot gateway/);
      expect(errors).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
