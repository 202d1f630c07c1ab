/**
 * MCP server test kit: an in-process gateway with the agent (fake provider), the channels
 * layer, the mcp-server plugin and a second, read-only credential; the official SDK client
 * connected to its `/mcp` over streamable HTTP.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { onTestFinished } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { startAgent, type AgentHarness } from '../agent/harness.ts';

export const READER_TOKEN = 'reader-token-0123456789abcdef';

/** Grants `read` only to READER_TOKEN; runs before the first-party auth taps. */
export const readerCredential = definePlugin({
  name: 'test-reader-credential',
  version: '1.0.0',
  setup(ctx) {
    ctx.hooks.authenticate.tapPromise({ name: ctx.name, stage: -10 }, async (request) =>
      request.credential.token === READER_TOKEN ? { ok: true, scopes: ['read'], subject: 'reader' } : undefined);
  },
});

export async function startMcpGateway(http: boolean, gateway: Record<string, unknown> = {}): Promise<AgentHarness> {
  return startAgent({
    gateway,
    extra: ['channels', 'channel-webchat', 'mcp-server', readerCredential],
    config: http ? { mcp: { serve: { http: { enabled: true } } } } : {},
  });
}

export async function httpClient(httpUrl: string, secret: string | undefined): Promise<Client> {
  const client = new Client({ name: 'moltbot-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${httpUrl}/mcp`), {
    requestInit: secret === undefined ? {} : { headers: { Authorization: `Bearer ${secret}` } },
  });
  await client.connect(transport);
  onTestFinished(() => client.close());
  return client;
}

export function textOf(result: unknown): string {
  return (((result as { content?: unknown }).content ?? []) as { type: string; text?: string }[]).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
}
