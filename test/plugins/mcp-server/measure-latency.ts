/**
 * A by-hand measurement, not a test: p50 of one `list_sessions` tool call over `/mcp` (SDK
 * client, streamable HTTP; each call is an HTTP request, a fresh MCP server and an in-process
 * gateway connection) against the same RPC `sessions.list` over an open WebSocket and in
 * process (`gateway.call`, the path /mcp uses).
 *   npx node test/plugins/mcp-server/measure-latency.ts
 * 25 calls each: the gateway's default request rate limit (burst 100) counts /mcp twice.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { connectGateway } from '../../../plugins/mcp-server/gateway-link.ts';
import { gatewayServiceRef } from '../../../sdk/gateway/index.ts';
import { startConformanceGateway } from './conformance-gateway.ts';

const CALLS = 25;
const gateway = await startConformanceGateway();
const client = new Client({ name: 'measure', version: '1.0.0' });
await client.connect(new StreamableHTTPClientTransport(new URL(gateway.mcpUrl)));
const link = await connectGateway({ url: gateway.mcpUrl.replace(/^http/, 'ws').replace(/\/mcp$/, '/'), credential: {} });
const median = (samples: number[]) => samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
async function time(calls: number, work: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await work();
    samples.push(performance.now() - started);
  }
  return samples;
}
await time(3, () => client.callTool({ name: 'list_sessions', arguments: {} }));
await time(3, () => link.call('sessions.list', {}));
const mcp = median(await time(CALLS, () => client.callTool({ name: 'list_sessions', arguments: {} })));
const rpc = median(await time(CALLS, () => link.call('sessions.list', {})));
const service = gateway.kernel.use(gatewayServiceRef);
// Its own subject: the calls above spent most of the "anonymous" credential's request burst.
const grant = { scopes: ['admin' as const], subject: 'measure' };
await time(3, () => service.call('sessions.list', {}, grant));
const inProcess = median(await time(CALLS, () => service.call('sessions.list', {}, grant)));
console.log(`list_sessions over /mcp: p50 ${mcp.toFixed(2)} ms; sessions.list over an open WebSocket: p50 ${rpc.toFixed(2)} ms (${CALLS} calls each)`);
console.log(`sessions.list in process (gateway.call): p50 ${inProcess.toFixed(3)} ms`);
link.close();
await client.close();
await gateway.close();
