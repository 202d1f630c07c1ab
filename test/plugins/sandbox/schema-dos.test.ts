/**
 * Issue 19 item 2: a workspace tool's own `parameters` schema must not stall the gateway. A real
 * `moltbot gateway` process serves two hostile tools (a backtracking `pattern`, `uniqueItems`
 * over a 30k-item array); while `tools.invoke` runs them, a second client keeps pinging. The
 * calls fail cleanly and the pings keep being answered during them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.ts';
import { startGatewayProcess, writeConfig, type GatewayProcess } from '../../helpers/gateway-process.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { connectClient, type TestClient } from '../gateway/helpers.ts';

const PASSWORD = 'schema-dos-test-password-0123';

const TOOLS: Record<string, string> = {
  // Exponential for a backtracking engine on "aaaa…a!" (each extra "a" doubles the work).
  'evil-pattern': "export default { description: 'pattern', parameters: { type: 'object', properties: { s: { type: 'string', pattern: '^(a|a)+$' } } }, run: (a) => 'ran ' + a.s.length };",
  // ajv compares every pair of non-scalar items: quadratic in the array length.
  'evil-unique': "export default { description: 'unique', parameters: { type: 'object', properties: { list: { type: 'array', uniqueItems: true } } }, run: (a) => 'ran ' + a.list.length };",
  // RE2 has no lookaround: refused when the worker compiles the schema at load, with the reason.
  'lookahead': "export default { description: 'la', parameters: { type: 'object', properties: { s: { type: 'string', pattern: '^(?=a)a$' } } }, run: () => 1 };",
  'fine': "export default { description: 'fine', parameters: { type: 'object', required: ['s'], properties: { s: { type: 'string', pattern: '^[a-z]+$', maxLength: 10 } } }, run: (a) => 'hello ' + a.s };",
};

let gateway: GatewayProcess | undefined;
afterAll(async () => {
  await gateway?.stop('SIGKILL');
});

async function start(): Promise<{ invoker: TestClient; pinger: TestClient }> {
  const { dir } = useTempDir('moltbot-schema-dos-');
  const workspace = join(dir, 'ws');
  mkdirSync(join(workspace, 'tools'), { recursive: true });
  for (const [name, source] of Object.entries(TOOLS)) writeFileSync(join(workspace, 'tools', `${name}.mjs`), source);
  writeConfig(dir, {
    agent: { workspace },
    gateway: { auth: { mode: 'password', password: PASSWORD } },
    plugins: [['sandbox', { timeout: 1500, watchdogGrace: 200, poolSize: 1 }]],
  });
  gateway = await startGatewayProcess(dir, 'schema-dos');
  const [invoker, pinger] = await Promise.all([connectClient(gateway.url, { password: PASSWORD }), connectClient(gateway.url, { password: PASSWORD })]);
  return { invoker, pinger };
}

/** Runs `call` while `pinger` pings serially; returns its response and the pings answered before it came back. */
async function whilePinging(pinger: TestClient, call: () => Promise<{ ok?: boolean; payload?: any; error?: unknown }>) {
  let done = false;
  let answered = 0;
  const loop = (async () => {
    while (!done) {
      const pong = await pinger.request('ping', {});
      if (!done && pong.ok) answered++;
    }
  })();
  const response = await call();
  done = true;
  await loop;
  return { response, answered };
}

describe('untrusted tool schemas never run in the gateway thread', { timeout: 60_000 }, () => {
  it('a backtracking pattern and a quadratic uniqueItems fail cleanly while another client keeps being answered', async () => {
    const { invoker, pinger } = await start();
    const listed = await invoker.request('tools.list', {});
    expect(listed.payload.tools.map((tool: { name: string }) => tool.name)).toEqual(expect.arrayContaining(['evil-pattern', 'evil-unique', 'fine']));
    expect(listed.payload.tools.map((tool: { name: string }) => tool.name)).not.toContain('lookahead');
    expect(gateway!.output()).toContain('is not supported by the linear-time regex engine');
    const fine = await invoker.request('tools.invoke', { name: 'fine', args: { s: 'ada' } });
    expect(fine.payload).toMatchObject({ ok: true, output: 'hello ada' });
    const refused = await invoker.request('tools.invoke', { name: 'fine', args: { s: 'Ada' } });
    expect(refused.payload).toMatchObject({ ok: false, error: { code: 'MOLT_ERR_SANDBOX_TOOL_ERROR', message: 'invalid arguments for tool "fine": /s must match pattern "^[a-z]+$"' } });

    // 40 characters: about 2^12 times the reported 8 s for a backtracking engine.
    const pattern = await whilePinging(pinger, () => invoker.request('tools.invoke', { name: 'evil-pattern', args: { s: `${'a'.repeat(40)}!` } }));
    expect(pattern.response.payload).toMatchObject({ ok: false, error: { code: 'MOLT_ERR_SANDBOX_TOOL_ERROR', message: 'invalid arguments for tool "evil-pattern": /s must match pattern "^(a|a)+$"' } });

    // 30,000 distinct small objects: ~450 million deep comparisons, far past the 1.5 s timeout.
    const list = Array.from({ length: 30_000 }, (_, i) => ({ i }));
    const unique = await whilePinging(pinger, () => invoker.request('tools.invoke', { name: 'evil-unique', args: { list } }));
    expect(unique.response.payload).toMatchObject({ ok: false, error: { code: 'MOLT_ERR_SANDBOX_TIMEOUT' } });
    // The call took over a second of worker time; a gateway stalled for it answers none of these.
    expect(unique.answered).toBeGreaterThanOrEqual(20);

    // The pool recovers: a call works again once the replacement worker is up (on a loaded
    // machine the first call may still meet the worker starting; each failure is a clean error).
    let last: unknown;
    const after = await eventually(async () => {
      const answer = await invoker.request('tools.invoke', { name: 'fine', args: { s: 'bob' } });
      last = answer;
      return answer.payload?.ok === true ? answer : undefined;
    }, 'a sandboxed call to succeed after the worker was replaced', 20_000).catch((error: Error) => { throw new Error(`${error.message}; last answer ${JSON.stringify(last)}`); });
    expect(after.payload).toMatchObject({ ok: true, output: 'hello bob' });
  });
});
