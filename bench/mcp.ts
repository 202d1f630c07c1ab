/**
 * MCP client cost (`npm run bench -- mcp`): one `echo` call of the published server-everything
 * through the agent's tool registry (mcp plugin: supervised child, untrusted wrapping, stats)
 * against a direct call with the SDK's own Client + StdioClientTransport to a second process of
 * the same server, alternated in the same run; then the idle RSS of each supervised server.
 */
import { readFileSync } from 'node:fs';
import { mcpServiceRef } from '../plugins/mcp/index.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { createKernel } from '../app/index.ts';
import { definePlugin } from '../core/plugin.ts';
import { createToolRegistry, type ToolRegistry } from '../sdk/agent/tool-registry.ts';
import { row, summarize } from './stats.ts';

const modules = fileURLToPath(new URL('../node_modules/@modelcontextprotocol/', import.meta.url));
const EVERYTHING = `${modules}server-everything/dist/index.js`;

function vmRssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}

export async function benchMcp(): Promise<string[]> {
  const lines = ['', 'mcp client: server-everything echo over stdio, serial'];
  const dir = mkdtempSync(join(tmpdir(), 'moltbot-bench-mcp-'));
  const registryOnly = definePlugin({ name: 'agent', version: '1.0.0', setup: (ctx) => ctx.provide('tools', createToolRegistry()) });
  const kernel = createKernel({
    config: { mcp: { servers: {
      everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] },
      memory: { command: process.execPath, args: [`${modules}server-memory/dist/index.js`], env: { MEMORY_FILE_PATH: join(dir, 'memory.jsonl') } },
      filesystem: { command: process.execPath, args: [`${modules}server-filesystem/dist/index.js`, dir] },
    } } },
    plugins: [registryOnly],
    cwd: dir, homeDir: dir, env: { HOME: dir, MOLTBOT_STATE_DIR: join(dir, 'state') }, logLevel: 'error',
  });
  const direct = new Client({ name: 'bench', version: '1.0.0' });
  try {
    await kernel.start();
    await kernel.use(mcpServiceRef).settled();
    await direct.connect(new StdioClientTransport({ command: process.execPath, args: [EVERYTHING, 'stdio'], stderr: 'ignore' }));
    const tool = (kernel.use('tools') as ToolRegistry).get('mcp__everything__echo');
    if (tool === undefined) return [...lines, `server-everything did not connect: ${JSON.stringify(kernel.use(mcpServiceRef).stats()['everything'])}`];
    const context = { runId: 'bench', sessionKey: 'agent:main:main', signal: new AbortController().signal };
    const viaRegistry: number[] = [];
    const viaSdk: number[] = [];
    for (let i = 0; i < 1100; i++) {
      let t = performance.now();
      await tool.handler({ message: 'ping' }, context);
      if (i >= 100) viaRegistry.push(performance.now() - t);
      t = performance.now();
      await direct.callTool({ name: 'echo', arguments: { message: 'ping' } });
      if (i >= 100) viaSdk.push(performance.now() - t);
    }
    const a = summarize(viaSdk);
    const b = summarize(viaRegistry);
    lines.push(
      row('direct SDK Client.callTool', `p50 ${(a.median * 1000).toFixed(0)} µs`, `p99 ${(a.p99 * 1000).toFixed(0)} µs; baseline`),
      row('through the registry (mcp plugin)', `p50 ${(b.median * 1000).toFixed(0)} µs`, `p99 ${(b.p99 * 1000).toFixed(0)} µs; ${(b.median / a.median).toFixed(2)}× (${b.median >= a.median ? '+' : ''}${((b.median - a.median) * 1000).toFixed(0)} µs per call; goal ≤ 1000 µs)`),
      '',
      'mcp client: idle RSS of each supervised server (VmRSS after connect + the calls above)',
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const [name, pid] of Object.entries(kernel.use(mcpServiceRef).pids())) {
      lines.push(row(`${name} (pid ${pid})`, `${(vmRssKb(pid) / 1024).toFixed(1)} MiB`));
    }
  } finally {
    await direct.close().catch(() => undefined);
    await kernel.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}
