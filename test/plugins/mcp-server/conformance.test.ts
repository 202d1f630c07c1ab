/**
 * The official MCP conformance suite (`@modelcontextprotocol/conformance server --url`, active
 * suite) against `/mcp`. Scenarios that need the reference server's fixtures are listed, with
 * the reason, in conformance-baseline.yml; the suite exits non-zero on any other failure and on
 * a baseline entry that starts passing. `npm run conformance` runs the same thing by hand.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConformanceGateway, type ConformanceGateway } from './conformance-gateway.ts';
import { runConformance } from './run-conformance.ts';

const BASELINE = fileURLToPath(new URL('./conformance-baseline.yml', import.meta.url));
/** Scenarios about protocol behaviour: these must pass for real (not only be absent from the baseline). */
const PROTOCOL = ['server-initialize', 'ping', 'logging-set-level', 'tools-list', 'resources-list', 'dns-rebinding-protection'];

describe('MCP conformance suite against /mcp', { timeout: 60_000 }, () => {
  let gateway: ConformanceGateway;
  beforeAll(async () => { gateway = await startConformanceGateway(); });
  afterAll(async () => { await gateway?.close(); });

  it('passes the active server suite except the fixture scenarios of the baseline', async () => {
    const { code, output } = await runConformance(gateway.mcpUrl, ['--expected-failures', BASELINE]);
    const summary = output.slice(output.indexOf('=== SUMMARY ==='));
    expect(summary, output).toContain('=== SUMMARY ===');
    for (const scenario of PROTOCOL) expect(summary).toMatch(new RegExp(`✓ ${scenario}: [1-9]\\d* passed, 0 failed`));
    expect(code, summary).toBe(0);
  });
});
