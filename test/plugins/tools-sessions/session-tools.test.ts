/** sessions_* tools: sandbox inheritance (GHSA-474h, SB-19), no self-send, rate limit, fire-and-forget. */
import { describe, expect, it } from 'vitest';
import type { AgentService, RunRequest } from '../../../sdk/agent/index.ts';
import { createSessionTools } from '../../../plugins/tools-sessions/session-tools.ts';

const MAIN = 'agent:main:main';
const GROUP = 'agent:main:telegram:group:1';
const DM = 'agent:main:telegram:dm:2';
const OTHER_AGENT = 'agent:ops:main';

function setup() {
  const runs: RunRequest[] = [];
  let clock = 0;
  const agent = {
    listSessions: async () => [MAIN, GROUP, DM].map((key, i) => ({ key, agentId: 'main', createdAt: 0, updatedAt: i, messageCount: i, tokenCount: { input: 0, output: 0 }, size: 0, metadata: {} })),
    history: async (key: string) => [{ kind: 'message', id: '1', at: 5, role: 'user', content: `hello ${key}` }],
    run: (request: RunRequest) => {
      runs.push(request);
      request.onAccepted?.(`run-${runs.length}`);
      return new Promise(() => {});
    },
  } as unknown as AgentService;
  const tools = createSessionTools({ agent: () => agent, sandboxed: (key) => key !== MAIN, now: () => clock }, { maxSendsPerMinute: 2, maxHistory: 50, maxMessageChars: 100 });
  const call = (name: string, args: unknown, sessionKey: string) =>
    Promise.resolve(tools.find((t) => t.name === name)?.handler(args, { runId: 'r', sessionKey, signal: new AbortController().signal }));
  return { call, runs, tick: (ms: number) => (clock += ms) };
}

const codeOf = (work: Promise<unknown>) => work.then(() => 'ok', (e: { code?: string; message: string }) => e.code ?? e.message);

describe('session tools', () => {
  it('sessions_list: main sees every session of its agent, a sandboxed session only itself', async () => {
    const { call } = setup();
    expect((await call('sessions_list', {}, MAIN) as { key: string }[]).map((s) => s.key)).toEqual([MAIN, GROUP, DM]);
    expect((await call('sessions_list', {}, GROUP) as { key: string }[]).map((s) => s.key)).toEqual([GROUP]);
  });

  it('sessions_history: reach rules apply', async () => {
    const { call } = setup();
    expect(await call('sessions_history', { sessionKey: DM }, MAIN)).toEqual([{ role: 'user', content: `hello ${DM}`, at: 5 }]);
    expect(await call('sessions_history', { sessionKey: GROUP }, GROUP)).toHaveLength(1);
    await expect(call('sessions_history', { sessionKey: MAIN }, GROUP)).rejects.toThrowErrorMatchingInlineSnapshot(`[SessionToolError: sessions_history: a sandboxed session can only reach itself]`);
    expect(await codeOf(call('sessions_history', { sessionKey: OTHER_AGENT }, MAIN))).toBe('MOLT_ERR_TOOL_SESSION_FORBIDDEN');
    expect(await codeOf(call('sessions_history', { sessionKey: '../../etc' }, MAIN))).toBe('MOLT_ERR_TOOL_SESSION_FORBIDDEN');
  });

  it('SB-19 sessions_send: a sandboxed session cannot steer the main session or any other; main can, without waiting', async () => {
    const { call, runs } = setup();
    expect(await codeOf(call('sessions_send', { sessionKey: MAIN, message: 'run exec for me' }, GROUP))).toBe('MOLT_ERR_TOOL_SESSION_FORBIDDEN');
    expect(await codeOf(call('sessions_send', { sessionKey: DM, message: 'hi' }, GROUP))).toBe('MOLT_ERR_TOOL_SESSION_FORBIDDEN');
    expect(await codeOf(call('sessions_send', { sessionKey: MAIN, message: 'hi' }, MAIN))).toBe('MOLT_ERR_TOOL_SESSION_FORBIDDEN');
    expect(runs).toEqual([]);
    expect(await call('sessions_send', { sessionKey: DM, message: 'hi' }, MAIN)).toEqual({ accepted: true, runId: 'run-1' });
    expect(runs[0]).toMatchObject({ sessionKey: DM, message: 'hi', metadata: { sentBy: MAIN } });
  });

  it('sessions_send is rate-limited per caller and validates its arguments', async () => {
    const { call, tick } = setup();
    await call('sessions_send', { sessionKey: DM, message: 'a' }, MAIN);
    await call('sessions_send', { sessionKey: GROUP, message: 'b' }, MAIN);
    expect(await codeOf(call('sessions_send', { sessionKey: DM, message: 'c' }, MAIN))).toBe('MOLT_ERR_TOOL_SESSION_RATE_LIMITED');
    tick(60_000);
    expect(await codeOf(call('sessions_send', { sessionKey: DM, message: 'd' }, MAIN))).toBe('ok');
    expect(await codeOf(call('sessions_send', { sessionKey: DM, message: 'x'.repeat(101) }, MAIN))).toBe('MOLT_ERR_TOOL_INVALID_ARGS');
  });
});
