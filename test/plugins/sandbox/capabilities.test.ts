/** Host capabilities as seen from tool code: validated plain data, per-session kv, allowlisted fetch. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCapabilities, hostAllowed } from '../../../plugins/sandbox/capabilities.ts';
import type { SandboxService } from '../../../plugins/sandbox/index.ts';
import type { SandboxPool } from '../../../plugins/sandbox/pool.ts';
import { startSandbox, tool } from './fixtures.ts';

const server = createServer((request, response) => {
  if (request.url === '/big') return response.end('z'.repeat(4096));
  if (request.url === '/redirect') {
    response.writeHead(302, { location: 'http://evil.example/' });
    return response.end();
  }
  response.setHeader('content-type', 'text/plain');
  response.end(`hello ${request.method}`);
});
let origin: string;
let service: SandboxService;
let pool: SandboxPool;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  ({ service, pool } = startSandbox({ fetch: { allow: [`127.0.0.1:${port}`], timeoutMs: 1000, maxBytes: 1024 } }));
});
afterAll(async () => {
  await pool.close();
  server.close();
});

const run = (body: string, args: unknown, sessionKey?: string) =>
  service.run({ source: tool(body), filename: 'c.mjs', args, ...(sessionKey ? { sessionKey } : {}) }).then((r) => r.value, (e: { code: string; message: string }) => ({ code: e.code, message: e.message }));

describe('host capabilities', () => {
  it('kv is per session, copies values and survives between calls', async () => {
    expect(await run('async (a, host) => { await host.kv.set("k", { n: a.n }); return host.kv.get("k"); }', { n: 7 }, 's1')).toEqual({ n: 7 });
    expect(await run('(a, host) => host.kv.get("k")', {}, 's1')).toEqual({ n: 7 });
    expect(await run('(a, host) => host.kv.get("k")', {}, 's2')).toBeNull();
  });

  it('kv refuses functions, oversized values and too many keys', async () => {
    expect(await run('(a, host) => host.kv.set("", 1)', {})).toEqual({ code: 'MOLT_ERR_SANDBOX_TOOL_ERROR', message: 'Error: kv.set: invalid arguments (/0 must NOT have fewer than 1 characters)' });
    expect(await run('(a, host) => host.kv.set("big", "x".repeat(300))', {})).toEqual({ code: 'MOLT_ERR_SANDBOX_TOOL_ERROR', message: 'Error: kv.set: value is over 256 bytes' });
    expect(await run('async (a, host) => { for (let i = 0; i < 5; i++) await host.kv.set("k" + i, i); }', {}, 's3')).toEqual({ code: 'MOLT_ERR_SANDBOX_TOOL_ERROR', message: 'Error: kv.set: the store holds its maximum of 4 keys' });
  });

  it('fetch reaches an allowlisted host and returns plain data', async () => {
    expect(await run('(a, host) => host.fetch(a.url)', { url: `${origin}/x` })).toEqual({ status: 200, headers: { 'content-type': 'text/plain', 'content-length': '9' }, body: 'hello GET' });
    expect(await run('(a, host) => host.fetch(a.url, { method: "POST", body: "b" })', { url: `${origin}/x` })).toMatchObject({ body: 'hello POST' });
  });

  it('fetch refuses other hosts without echoing the URL, bounds bodies, and does not follow redirects', async () => {
    const denied = await run('(a, host) => host.fetch(a.url)', { url: 'http://localhost:1/?token=CANARY-SECRET-123' });
    expect(denied).toEqual({ code: 'MOLT_ERR_SANDBOX_TOOL_ERROR', message: 'Error: fetch: host "localhost" is not in sandbox.fetch.allow' });
    expect(JSON.stringify(denied)).not.toContain('CANARY');
    expect(await run('(a, host) => host.fetch(a.url)', { url: 'file:///etc/passwd' })).toMatchObject({ message: 'Error: fetch: protocol file: is not allowed' });
    expect(await run('(a, host) => host.fetch(a.url)', { url: `${origin}/big` })).toMatchObject({ message: 'Error: fetch: response is over 1024 bytes' });
    expect(await run('(a, host) => host.fetch(a.url)', { url: `${origin}/redirect` })).toMatchObject({ status: 302, headers: { location: 'http://evil.example/' } });
    expect(await run('(a, host) => host.fetch(a.url, { method: "GET", agent: {} })', { url: `${origin}/x` })).toMatchObject({ message: expect.stringMatching(/invalid arguments/) });
  });

  it('hostAllowed: exact names and *.domain, never a suffix trick', () => {
    expect(hostAllowed('api.example.com', ['*.example.com'])).toBe(true);
    expect(hostAllowed('example.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('evilexample.com', ['*.example.com'])).toBe(false);
    expect(hostAllowed('EXAMPLE.org', ['example.org'])).toBe(true);
    expect(hostAllowed('example.org.evil.net', ['example.org'])).toBe(false);
  });

  it('an unknown capability name is refused', async () => {
    const capabilities = createCapabilities({ kv: { maxKeys: 1, maxValueBytes: 10 }, fetch: { allow: [], timeoutMs: 10, maxBytes: 10 } });
    await expect(capabilities(undefined, 'fs.read', '[]')).rejects.toMatchObject({ code: 'MOLT_ERR_SANDBOX_CAPABILITY', message: 'unknown host capability "fs.read"' });
    await expect(capabilities(undefined, 'kv.get', '{"__proto__":1}')).rejects.toMatchObject({ code: 'MOLT_ERR_SANDBOX_CAPABILITY' });
  });
});
