/** Issue 25: exec approvals by command (exec.ask on-miss / always, allow and deny patterns), per agent. */
import { readFileSync, writeFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RpcContext } from '../../../core/hook-types.ts';
import { createTestKernel } from '../../../app/testing.ts';
import { decideToolCall } from '../../../sdk/agent/decide-tool-call.ts';
import toolPolicy from '../../../plugins/tool-policy/index.ts';
import { approvalsSettings } from '../../../plugins/tool-policy/approvals-config.ts';
import type { PendingApproval } from '../../../plugins/tool-policy/approvals.ts';
import { fakeAgent } from './fake-agent.ts';

const agent = fakeAgent('exec');
const owner: RpcContext = { connection: { id: 'c-owner', remoteAddress: '127.0.0.1', scopes: ['admin'], subject: 'owner' }, signal: new AbortController().signal };

async function start(approvals: object, env: Record<string, string> = {}, sandbox: object = { mode: 'off' }) {
  const kernel = await createTestKernel({ config: { agents: { defaults: { sandbox: { ...sandbox, approvals } } } }, plugins: [agent, toolPolicy], env });
  const call = (method: string, params: unknown) => kernel.hooks.rpc.for(method).promise(params, owner).catch((error: { cause?: unknown }) => {
    throw error.cause ?? error;
  });
  const exec = (command: string, args: string[] = [], sessionKey = 'agent:main:main') =>
    decideToolCall(kernel.hooks, { callId: `c-${Math.random()}`, name: 'exec', args: { command, args }, sessionKey });
  const pending = async (): Promise<PendingApproval> => {
    for (let i = 0; i < 400; i++) {
      const { approvals: list } = (await call('approvals.list', {})) as { approvals: PendingApproval[] };
      if (list.length > 0) return list[0]!;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error('no pending approval appeared');
  };
  return { kernel, call, exec, pending };
}

describe('exec approvals by command', () => {
  it('on-miss: allowlisted commands run, a miss waits for the owner; deny patterns never run', async () => {
    const { kernel, call, exec, pending } = await start({ exec: { ask: 'on-miss', allow: ['git status **', 'ls'], deny: ['git push **'] } });
    expect(await exec('git', ['status', '-s'])).toEqual({ args: { command: 'git', args: ['status', '-s'] } });
    expect(await exec('ls')).toMatchObject({ args: { command: 'ls' } });
    expect(await exec('git', ['push', '--force'])).toEqual({ deny: 'exec `git "push" "--force"` matches the deny rule `git push **`' });

    const waiting = exec('ls', ['-la', '--password=CANARY-PW-9']);
    const approval = await pending();
    expect(approval).toMatchObject({
      tool: 'exec', agent: 'main', sessionKey: 'agent:main:main',
      args: { command: 'ls', args: ['-la', '--password=[REDACTED]'] },
      reason: 'exec `ls "-la" "--password=[REDACTED]"` matches no allow rule (exec.ask "on-miss")',
    });
    await call('approvals.answer', { id: approval.id, answer: 'once' });
    expect(await waiting).toMatchObject({ args: { command: 'ls' } });
    expect(JSON.stringify(kernel.logs)).not.toContain('CANARY-PW-9');
    expect(readFileSync(join(kernel.tempDir, 'state', 'plugins', 'tool-policy', 'audit.jsonl'), 'utf8')).not.toContain('CANARY-PW-9');
  });

  it('always stores the exact command (or a given pattern) for this agent; never stores a deny rule', async () => {
    const { kernel, call, exec, pending } = await start({ exec: { ask: 'on-miss' } });
    const first = exec('make', ['test']);
    const asked = await pending();
    await call('approvals.answer', { id: asked.id, answer: 'always' });
    expect(await first).toMatchObject({ args: { command: 'make' } });
    expect(await exec('make', ['test'])).toMatchObject({ args: { command: 'make' } });

    // Another command asks again; a pattern that does not cover it is refused, one that does is stored.
    const second = exec('make', ['build', 'all']);
    const again = await pending();
    await expect(call('approvals.answer', { id: again.id, answer: 'always', pattern: 'make test' })).rejects.toMatchObject({ message: expect.stringContaining('does not match the command it answers') });
    await expect(call('approvals.answer', { id: again.id, answer: 'once', pattern: 'make **' })).rejects.toMatchObject({ message: expect.stringContaining('only an always / never answer') });
    await call('approvals.answer', { id: again.id, answer: 'always', pattern: 'make build **' });
    expect(await second).toMatchObject({ args: { command: 'make' } });
    expect(await exec('make', ['build', 'docs'])).toMatchObject({ args: { command: 'make' } });

    const third = exec('rm', ['-rf', 'x']);
    const dangerous = await pending();
    await call('approvals.answer', { id: dangerous.id, answer: 'never' });
    expect(await third).toEqual({ deny: `the owner denied "exec" (approval ${dangerous.id})` });
    expect(await exec('rm', ['-rf', 'x'])).toEqual({ deny: 'exec `rm "-rf" "x"` matches the deny rule `rm "-rf" "x"`' });

    // The rules belong to agent "main": agent "work" is asked about the same command.
    const work = exec('make', ['test'], 'agent:work:main');
    expect(await pending()).toMatchObject({ agent: 'work', sessionKey: 'agent:work:main' });
    void work;
    const rules = JSON.parse(readFileSync(join(kernel.tempDir, 'state', 'plugins', 'tool-policy', 'rules.json'), 'utf8'));
    expect(rules).toEqual({
      version: 2,
      agents: {
        main: {
          exec: [
            { verdict: 'allow', rule: { kind: 'exact', command: 'make', args: ['test'] } },
            { verdict: 'allow', rule: { kind: 'pattern', source: 'make build **', command: 'make', args: ['build'], rest: true } },
            { verdict: 'deny', rule: { kind: 'exact', command: 'rm', args: ['-rf', 'x'] } },
          ],
        },
      },
    });
  });

  it('always: every exec call asks, even an allowlisted one', async () => {
    const { call, exec, pending } = await start({ exec: { ask: 'always', allow: ['ls'] } });
    const waiting = exec('ls');
    const approval = await pending();
    expect(approval.reason).toBe('exec `ls` asks for approval on every call (exec.ask "always")');
    await call('approvals.answer', { id: approval.id, answer: 'deny' });
    expect(await waiting).toMatchObject({ deny: expect.stringContaining('the owner denied "exec"') });
  });

  it('sandboxed sessions take the sandboxed overrides; the main session does not', async () => {
    const { call, exec, pending } = await start(
      { exec: { ask: 'off' }, sandboxed: { exec: { ask: 'on-miss', allow: ['ls'] } } },
      {},
      { mode: 'non-main', denylist: ['browser'] },
    );
    const group = 'agent:main:irc:group:#lobby';
    expect(await exec('make', ['deploy'])).toMatchObject({ args: { command: 'make' } });
    expect(await exec('ls', [], group)).toMatchObject({ args: { command: 'ls' } });
    const waiting = exec('make', ['deploy'], group);
    const approval = await pending();
    expect(approval).toMatchObject({ sessionKey: group, reason: expect.stringContaining('matches no allow rule') });
    await call('approvals.answer', { id: approval.id, answer: 'deny' });
    expect(await waiting).toMatchObject({ deny: expect.stringContaining('the owner denied') });
  });

  it('rules of the first approvals version apply to every agent', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'moltbot-approvals-v1-'));
    mkdirSync(join(stateDir, 'plugins', 'tool-policy'), { recursive: true });
    writeFileSync(join(stateDir, 'plugins', 'tool-policy', 'rules.json'), JSON.stringify({ rules: { exec: 'never' } }));
    const { exec } = await start({ tools: { exec: 'ask' } }, { MOLTBOT_STATE_DIR: stateDir });
    expect(await exec('ls', [], 'agent:work:main')).toEqual({ deny: 'tool "exec" is never allowed (approval rule)' });
  });
});

describe('approvals settings', () => {
  it('agents.defaults is the base; an agents.list entry overrides it for its agent', () => {
    const settings = approvalsSettings({
      defaults: { sandbox: { approvals: { tools: { weather: 'ask' }, timeoutMs: 1000, exec: { ask: 'on-miss', allow: ['ls'] } } } },
      list: [{ id: 'work', sandbox: { approvals: { exec: { ask: 'always' }, timeoutMs: 5000 } } }],
    });
    expect(settings.forAgent('main')).toMatchObject({ tools: { weather: 'ask' }, timeoutMs: 1000, exec: { ask: 'on-miss', allow: [{ source: 'ls' }] } });
    expect(settings.forAgent('work')).toMatchObject({ tools: { weather: 'ask' }, timeoutMs: 5000, exec: { ask: 'always', allow: [{ source: 'ls' }] } });
    expect(settings.forAgent('main', true)).toBe(settings.forAgent('main'));
  });

  it('sandboxed overrides layer over the agent\'s settings, an agent\'s own over the defaults\'', () => {
    const settings = approvalsSettings({
      defaults: { sandbox: { approvals: { tools: { weather: 'always-allow' }, exec: { ask: 'on-miss', allow: ['ls'] }, sandboxed: { tools: { weather: 'ask' }, exec: { ask: 'always' } } } } },
      list: [{ id: 'work', sandbox: { approvals: { sandboxed: { exec: { allow: ['make **'] } } } } }],
    });
    expect(settings.forAgent('main', true)).toMatchObject({ tools: { weather: 'ask' }, exec: { ask: 'always', allow: [{ source: 'ls' }] } });
    expect(settings.forAgent('work', false)).toMatchObject({ tools: { weather: 'always-allow' }, exec: { ask: 'on-miss', allow: [{ source: 'ls' }] } });
    expect(settings.forAgent('work', true)).toMatchObject({ tools: { weather: 'ask' }, exec: { ask: 'always', allow: [{ source: 'make **' }] } });
    expect(() => approvalsSettings({ defaults: { sandbox: { approvals: { sandboxed: { tools: { exec: 'ask' }, exec: { ask: 'on-miss', deny: ['rm **', 'x/y'] } } } } } }))
      .toThrow(/approvals\.sandboxed\.exec\.deny\[1\]: "x\/y" is not a bare program name[\s\S]*approvals\.sandboxed: tools\.exec "ask" conflicts/);
  });

  it('a bad pattern or a conflicting exec mode fails the start, naming the path', async () => {
    expect(() => approvalsSettings({ defaults: { sandbox: { approvals: { exec: { ask: 'on-miss', allow: ['ls', '/bin/rm **'] } } } } }))
      .toThrow('agents.defaults.sandbox.approvals.exec.allow[1]: "/bin/rm" is not a bare program name');
    await expect(start({ tools: { exec: 'ask' }, exec: { ask: 'on-miss' } })).rejects.toThrow('agents.defaults.sandbox.approvals: tools.exec "ask" conflicts with exec.ask "on-miss"');
    await expect(start({ exec: { ask: 'sometimes' } })).rejects.toThrow(/approvals\.exec\.ask/);
  });
});
