/**
 * A progress notification read in the same chunk as its call's response: the SDK alone loses
 * it (typescript-sdk#2580, the cause of the flaky server-everything progress test);
 * deliverInOrder hands it to the caller before the result. Deterministic: a fake transport
 * delivers both messages in one synchronous turn, as a stdio read of one chunk does.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LATEST_PROTOCOL_VERSION, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { deliverInOrder } from '../../../plugins/mcp/ordered-delivery.ts';

/** A server that answers tools/call with two progress notifications and the result in one chunk. */
class OneChunkServer implements Transport {
  onmessage?: (message: JSONRPCMessage) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;
  async start(): Promise<void> {}
  async close(): Promise<void> {
    this.onclose?.();
  }
  async send(message: JSONRPCMessage): Promise<void> {
    if (!('id' in message) || !('method' in message)) return;
    const { id, method } = message;
    if (method === 'initialize') {
      setImmediate(() => this.onmessage?.({ jsonrpc: '2.0', id, result: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: { tools: {} }, serverInfo: { name: 'one-chunk', version: '1.0.0' } } }));
    } else if (method === 'tools/call') {
      const progressToken = (message.params as { _meta?: { progressToken?: number } })._meta?.progressToken;
      setImmediate(() => {
        // One read: both updates and the response, delivered back to back.
        this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: progressToken!, progress: 1, total: 2 } });
        this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: progressToken!, progress: 2, total: 2, message: 'done' } });
        this.onmessage?.({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: 'ok' }] } });
      });
    }
  }
}

async function call(ordered: boolean) {
  const transport = new OneChunkServer();
  const client = new Client({ name: 'test', version: '1.0.0' });
  const errors: string[] = [];
  client.onerror = (error) => errors.push(error.message);
  await client.connect(transport);
  if (ordered) deliverInOrder(transport);
  const seen: string[] = [];
  const result = await client.callTool({ name: 'slow', arguments: {} }, undefined, {
    onprogress: (p) => seen.push(`${p.progress}/${p.total}${p.message ? ` ${p.message}` : ''}`),
  });
  seen.push(`result ${(result.content as { text: string }[])[0]!.text}`);
  await client.close();
  return { seen, errors };
}

describe('mcp ordered delivery', () => {
  it('the SDK alone drops the last progress update read with the response (the race deliverInOrder exists for)', async () => {
    // If this starts failing after an SDK upgrade, the SDK delivers late progress itself and
    // deliverInOrder may go.
    const { seen, errors } = await call(false);
    expect(seen).not.toContain('2/2 done');
    expect(errors.join('\n')).toMatch(/unknown token/);
  });

  it('with deliverInOrder every update arrives, in order, before the result', async () => {
    const { seen, errors } = await call(true);
    expect(seen).toEqual(['1/2', '2/2 done', 'result ok']);
    expect(errors).toEqual([]);
  });
});
