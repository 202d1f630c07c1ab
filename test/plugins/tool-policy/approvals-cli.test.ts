/** `moltbot approvals list | approve <id> [--always] | deny <id> [--never]` against a running gateway. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideToolCall } from '../../../sdk/agent/decide-tool-call.ts';
import toolPolicy from '../../../plugins/tool-policy/index.ts';
import { runCliCaptured } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { PASSWORD, startGateway } from '../gateway/helpers.ts';
import { fakeAgent } from './fake-agent.ts';

const agent = fakeAgent('exec', 'weather');

describe('moltbot approvals', () => {
  it('lists, approves with --always (the next call is not asked) and denies with --never', async () => {
    const { kernel, port } = await startGateway({
      config: { agents: { defaults: { sandbox: { mode: 'off', approvals: { tools: { exec: 'ask', weather: 'ask' } } } } } },
      extra: [agent, toolPolicy],
    });
    const { dir } = useTempDir();
    writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({ preset: 'none', plugins: ['tool-policy'], gateway: { port, auth: { mode: 'password', password: '${GW_PW}' } } }));
    const cli = (...args: string[]) => runCliCaptured(['approvals', ...args], { cwd: dir, env: { GW_PW: PASSWORD } });
    const ask = (name: string) => decideToolCall(kernel.hooks, { callId: `c-${name}`, name, args: { command: 'ls', password: 'CANARY-PW' }, sessionKey: 'agent:main:main' });

    expect((await cli('list')).stdout).toBe('no pending approvals\n');
    const exec = ask('exec');
    let listed: Array<{ id: string; tool: string; args: unknown }> = [];
    for (let i = 0; i < 100 && listed.length === 0; i++) listed = JSON.parse((await cli('list', '--json')).stdout);
    expect(listed[0]).toMatchObject({ tool: 'exec', args: { command: 'ls', password: '[REDACTED]' } });
    const text = await cli('list');
    expect(text.stdout).toContain(`${listed[0]!.id}  exec  agent:main:main`);
    expect(text.stdout).not.toContain('CANARY-PW');

    const approved = await cli('approve', listed[0]!.id, '--always');
    expect(approved).toMatchObject({ code: 0, stdout: `approved ${listed[0]!.id} (exec); "exec" is allowed from now on\n` });
    expect(await exec).toEqual({ args: { command: 'ls', password: 'CANARY-PW' } });
    expect(await ask('exec')).toMatchObject({ args: { command: 'ls' } });

    const weather = ask('weather');
    let waiting: Array<{ id: string }> = [];
    for (let i = 0; i < 100 && waiting.length === 0; i++) waiting = JSON.parse((await cli('list', '--json')).stdout);
    expect(await cli('deny', waiting[0]!.id, '--never')).toMatchObject({ code: 0, stdout: `denied ${waiting[0]!.id} (weather); "weather" is denied from now on\n` });
    expect(await weather).toEqual({ deny: `the owner denied "weather" (approval ${waiting[0]!.id})` });
    expect(await ask('weather')).toEqual({ deny: 'tool "weather" is never allowed (approval rule)' });

    const unknown = await cli('approve', 'no-such-id');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('no pending approval "no-such-id"');
  });

  it('approves an exec approval with --always --pattern: matching commands run from then on', async () => {
    const { kernel, port } = await startGateway({
      config: { agents: { defaults: { sandbox: { mode: 'off', approvals: { exec: { ask: 'on-miss' } } } } } },
      extra: [agent, toolPolicy],
    });
    const { dir } = useTempDir();
    writeFileSync(join(dir, 'moltbot.config.json'), JSON.stringify({ preset: 'none', plugins: ['tool-policy'], gateway: { port, auth: { mode: 'password', password: '${GW_PW}' } } }));
    const cli = (...args: string[]) => runCliCaptured(['approvals', ...args], { cwd: dir, env: { GW_PW: PASSWORD } });
    const exec = (args: string[]) => decideToolCall(kernel.hooks, { callId: `c-${args.join('-')}`, name: 'exec', args: { command: 'make', args }, sessionKey: 'agent:main:main' });

    const first = exec(['build', 'all']);
    let listed: Array<{ id: string; reason: string }> = [];
    for (let i = 0; i < 100 && listed.length === 0; i++) listed = JSON.parse((await cli('list', '--json')).stdout);
    expect(listed[0]!.reason).toBe('exec `make "build" "all"` matches no allow rule (exec.ask "on-miss")');
    const refused = await cli('approve', listed[0]!.id, '--always', '--pattern', 'make test **');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('does not match the command it answers');
    expect(await cli('approve', listed[0]!.id, '--always', '--pattern', 'make build **')).toMatchObject({ code: 0 });
    expect(await first).toMatchObject({ args: { command: 'make' } });
    expect(await exec(['build', 'docs'])).toMatchObject({ args: { command: 'make', args: ['build', 'docs'] } });
  });
});
