/**
 * `npm run conformance`: the official MCP conformance suite (@modelcontextprotocol/conformance,
 * `server --url`, active suite) against `/mcp` of a fresh gateway; prints the suite's report and
 * exits with its code. Extra arguments go to the suite (`-- --scenario tools-list`).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { startConformanceGateway } from './conformance-gateway.ts';

export const CONFORMANCE_BIN = createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/dist/index.js');

export function runConformance(url: string, args: string[] = [], onOutput: (text: string) => void = () => undefined): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CONFORMANCE_BIN, 'server', '--url', url, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk;
      onOutput(chunk.toString());
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const gateway = await startConformanceGateway();
  process.stderr.write(`conformance: MCP endpoint ${gateway.mcpUrl}\n`);
  const { code } = await runConformance(gateway.mcpUrl, process.argv.slice(2), (text) => process.stdout.write(text));
  await gateway.close();
  process.exit(code ?? 1);
}
