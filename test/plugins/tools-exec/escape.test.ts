/**
 * Issue 19 item 8: nothing an exec call starts outlives it (setsid, nohup, double fork; after
 * the call, after the kernel closes, after the gateway is SIGKILLed), and allowlisting a program
 * that can run others does not allowlist what it runs. Real processes, found through /proc by a
 * unique sleep duration.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { definePlugin } from '../../../core/plugin.ts';
import { createTestKernel } from '../../../app/testing.ts';
import type { Check } from '../../../core/hook-types.ts';
import { createToolRegistry, toolRegistryRef, type ToolRegistry } from '../../../sdk/agent/tool-registry.ts';
import { detectContainment, type Containment } from '../../../plugins/tools-exec/containment.ts';
import { createExecTool, type ExecToolOptions } from '../../../plugins/tools-exec/exec-tool.ts';
import toolsExec from '../../../plugins/tools-exec/index.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';
import { alive } from '../../helpers/proc.ts';

const context = { runId: 'r', sessionKey: 'agent:main:main', signal: new AbortController().signal };
let detected: Promise<Containment> | undefined;
const detect = () => (detected ??= detectContainment());
// Hosts without PID namespaces (macOS, user namespaces disabled, no util-linux) cannot run
// these: skipped there with the reason printed, never silently. CI runs as root on Linux.
const hostContainment = await detect();
const contained = hostContainment.kind === 'pid-namespace';
if (!contained) console.warn(`tools-exec escape tests skipped: ${hostContainment.kind === 'none' ? hostContainment.reason : ''}`);

const fakeAgent = definePlugin({ name: 'agent', version: '1.0.0', provides: [toolRegistryRef], setup: (ctx) => ctx.provide(toolRegistryRef, createToolRegistry()) });

function execTool(overrides: Partial<ExecToolOptions> = {}) {
  const workspace = useTempDir().dir;
  const tool = createExecTool(() => workspace, {
    allow: ['sh', 'find', 'ls', 'cat', 'env', 'awk', 'git', 'sed', 'tar', 'xargs', 'setsid', 'nohup', 'echo'],
    trustedDirs: ['/usr/bin', '/bin'], maxOutputBytes: 4096, maxProcesses: 4, timeoutMs: 5000, containment: 'required', detect,
    ...overrides,
  });
  return { workspace, tool, call: (args: unknown) => tool.handler(args, context) as Promise<Record<string, unknown>> };
}

/**
 * A `sleep` duration unique to this test run (97.<n><pid>): other runs of this file on the same
 * machine use other markers, so this run never finds (or kills) their processes.
 */
const RUN_ID = String(process.pid).padStart(7, '0');
const mark = (n: number) => `97.${n}${RUN_ID}`;


const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (bounded) for the processes carrying `marker` to be gone; returns any left, and kills them so a failure leaves nothing. */
async function leftOver(marker: string): Promise<number[]> {
  for (let i = 0; i < 50 && alive(marker).length > 0; i++) await pause(20);
  const left = alive(marker);
  for (const pid of left) process.kill(pid, 'SIGKILL');
  return left;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (check()) return;
    await pause(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

const refusedWith = (work: Promise<unknown>) => work.then(() => 'ran', (e: { code?: string; message: string }) => `${e.code}: ${e.message}`);

describe('exec: nothing outlives the call', { timeout: 30_000 }, () => {
  it.skipIf(!contained)('this host can contain commands (PID namespace)', async () => {
    expect(await detect()).toMatchObject({ kind: 'pid-namespace' });
  });

  it.skipIf(!contained)('setsid -f, nohup … & and a double fork are gone when the call returns', async () => {
    const { call } = execTool();
    const cases = {
      [mark(101)]: `setsid -f sleep ${mark(101)}`,
      [mark(102)]: `nohup sleep ${mark(102)} >/dev/null 2>&1 &`,
      [mark(103)]: `(sleep ${mark(103)} &) &`,
      [mark(104)]: `(setsid sleep ${mark(104)} >/dev/null 2>&1 </dev/null &) ; sleep 0.05`,
    };
    for (const [marker, script] of Object.entries(cases)) {
      const result = await call({ command: 'sh', args: ['-c', script] });
      expect(result).toMatchObject({ exitCode: 0, timedOut: false });
      expect({ script, left: await leftOver(marker) }).toEqual({ script, left: [] });
    }
  });

  it.skipIf(!contained)('a command still running when the kernel closes is killed with what it started', async () => {
    const workspace = useTempDir().dir;
    const kernel = await createTestKernel({ config: { agent: { workspace } }, plugins: [fakeAgent, [toolsExec, { allow: ['sh'] }]] });
    const exec = (kernel.use('tools') as ToolRegistry).get('exec');
    const call = Promise.resolve(exec?.handler({ command: 'sh', args: ['-c', `setsid -f sleep ${mark(111)}; sleep ${mark(112)}`] }, context));
    call.catch(() => undefined);
    await until(() => alive(mark(111)).length > 0 && alive(mark(112)).length > 0, 'both sleeps to start');
    await kernel.close();
    expect(await call).toMatchObject({ signal: 'SIGKILL' });
    expect([await leftOver(mark(111)), await leftOver(mark(112))]).toEqual([[], []]);
  });

  it.skipIf(!contained)('SIGKILL of the gateway process takes its commands and their escapees with it', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/run-exec.ts', import.meta.url));
    const gateway = spawn(process.execPath, [fixture, 'sh', '-c', `setsid -f sleep ${mark(121)}; nohup sleep ${mark(122)} >/dev/null 2>&1 & sleep ${mark(123)}`], { stdio: 'ignore' });
    try {
      await until(() => [mark(121), mark(122), mark(123)].every((marker) => alive(marker).length > 0), 'the sleeps to start');
      gateway.kill('SIGKILL');
      expect([await leftOver(mark(121)), await leftOver(mark(122)), await leftOver(mark(123))]).toEqual([[], [], []]);
    } finally {
      gateway.kill('SIGKILL');
    }
  });

  it('without containment: refused by default with the reason; "process-group" runs anyway', async () => {
    const none = await detectContainment(['/nonexistent']);
    expect(none).toEqual({ kind: 'none', reason: 'util-linux setpriv and unshare were not found in /nonexistent (Debian: apt-get install util-linux)' });
    const required = execTool({ detect: async () => none });
    expect(await refusedWith(required.call({ command: 'echo', args: ['hi'] }))).toBe(
      'MOLT_ERR_TOOL_EXEC_DENIED: exec: no process containment on this host (util-linux setpriv and unshare were not found in /nonexistent (Debian: apt-get install util-linux)); commands could leave processes running. Fix the host, or set the tools-exec option containment to "process-group" to accept that',
    );
    const grouped = execTool({ detect: async () => none, containment: 'process-group' });
    expect(await grouped.call({ command: 'echo', args: ['hi'] })).toMatchObject({ exitCode: 0, stdout: 'hi\n' });
  });
});

describe('exec: allowlisted programs cannot run other programs', { timeout: 30_000 }, () => {
  it.skipIf(!contained)('refuses the exec-capable arguments, naming the program and the argument', async () => {
    const { call, workspace } = execTool();
    const refused: [string, string[], string][] = [
      ['find', ['.', '-maxdepth', '0', '-exec', '/bin/sh', '-c', 'id', ';'], '-exec'],
      ['find', ['.', '-execdir', 'setsid', '-f', 'sleep', '97', ';'], '-execdir'],
      ['find', ['.', '-ok', 'id', ';'], '-ok'],
      ['find', ['.', '-okdir', 'id', ';'], '-okdir'],
      ['find', ['.', '-fprintf', '/tmp/x', '%p'], '-fprintf'],
      ['find', ['.', '-delete'], '-delete'],
      ['xargs', ['id'], ''],
      ['setsid', ['-f', 'sleep', '97'], ''],
      ['nohup', ['sleep', '97'], ''],
      ['env', ['sh', '-c', 'id'], 'sh'],
      ['env', ['-i', 'FOO=1', 'id'], 'id'],
      ['env', ['-S', 'sh -c id'], '-S'],
      ['awk', ['BEGIN { system("id") }'], 'BEGIN { system("id") }'],
      ['awk', ['BEGIN { "id" | getline x; print x }'], 'BEGIN { "id" | getline x; print x }'],
      ['awk', ['BEGIN { print "x" | "sh" }'], 'BEGIN { print "x" | "sh" }'],
      ['awk', ['-f', 'prog.awk'], '-f'],
      ['awk', ['-l', 'filefuncs', 'BEGIN {}'], '-l'],
      ['awk', ['@load "filefuncs"; BEGIN {}'], '@load "filefuncs"; BEGIN {}'],
      ['git', ['-c', 'core.pager=id', 'log'], '-c'],
      ['git', ['-ccore.sshCommand=id', 'fetch'], '-ccore.sshCommand=id'],
      ['git', ['--config-env=core.pager=X', 'log'], '--config-env=core.pager=X'],
      ['git', ['--exec-path=/tmp', 'status'], '--exec-path=/tmp'],
      ['git', ['clone', '--upload-pack=id', 'x', 'y'], '--upload-pack=id'],
      ['git', ['clone', '-u', 'id', 'x', 'y'], '-u'],
      ['git', ['push', '--receive-pack=id', 'x'], '--receive-pack=id'],
      ['git', ['archive', '--exec=id', '--remote=x'], '--exec=id'],
      ['git', ['rebase', '-x', 'id', 'HEAD~1'], '-x'],
      ['git', ['difftool', '--extcmd=id'], 'difftool'],
      ['git', ['submodule', 'foreach', 'id'], 'submodule'],
      ['git', ['bisect', 'run', 'id'], 'bisect'],
      ['git', ['config', 'alias.x', '!id'], 'config'],
      ['git', ['fetch', 'ext::sh -c id'], 'ext::sh -c id'],
      ['tar', ['-xf', 'a.tar', '--to-command=id'], '--to-command=id'],
      ['tar', ['-cf', 'a.tar', '--checkpoint=1', '--checkpoint-action=exec=id', '.'], '--checkpoint-action=exec=id'],
      ['tar', ['-I', 'id', '-cf', 'a.tar', '.'], '-I'],
      ['tar', ['--use-compress-program=id', '-cf', 'a.tar', '.'], '--use-compress-program=id'],
      ['tar', ['cIf', 'id', 'a.tar', '.'], 'cIf'],
      ['tar', ['-cf', 'a.tar', '--rsh-command=id', 'x:y'], '--rsh-command=id'],
      ['tar', ['-F', 'id', '-cf', 'a.tar', '.'], '-F'],
    ];
    for (const [command, args, argument] of refused) {
      const outcome = await refusedWith(call({ command, args }));
      const expected = argument === ''
        ? `MOLT_ERR_TOOL_EXEC_DENIED: exec: "${command}" runs other programs and is refused even when allowlisted`
        : `MOLT_ERR_TOOL_EXEC_DENIED: exec: "${command}" argument ${JSON.stringify(argument)} is refused: it can run other programs`;
      expect({ command, args, outcome: outcome.slice(0, expected.length) }).toEqual({ command, args, outcome: expected });
    }
    // Nothing ran: find -exec would have written here.
    expect(readdirSync(workspace)).toEqual([]);
  });

  it.skipIf(!contained)('abbreviated long options (getopt_long takes any unambiguous prefix) and gawk indirect calls are refused too', async () => {
    const { call, workspace } = execTool();
    writeFileSync(join(workspace, 'a.txt'), 'x\n');
    expect(await call({ command: 'tar', args: ['-cf', 'a.tar', 'a.txt'] })).toMatchObject({ exitCode: 0 });
    writeFileSync(join(workspace, 'p.awk'), 'BEGIN { system("touch pwned-awk-file") }\n');
    const refused: [string, string[], string][] = [
      // Each of these runs `touch` when it is not refused (GNU tar 1.34, gawk 5.2).
      ['tar', ['-xf', 'a.tar', '--to-comm=touch pwned-tar'], '--to-comm=touch pwned-tar'],
      ['tar', ['-cf', 'b.tar', '--checkpoint=1', '--checkpoint-act=exec=touch pwned-cp', 'a.txt'], '--checkpoint-act=exec=touch pwned-cp'],
      ['tar', ['--use-compress-prog=touch pwned-z', '-cf', 'c.tar', 'a.txt'], '--use-compress-prog=touch pwned-z'],
      ['awk', ['--fil=p.awk'], '--fil=p.awk'],
      ['awk', ['--fi', 'p.awk'], '--fi'],
      ['awk', ['BEGIN { f = "sys" "tem"; @f("touch pwned-indirect") }'], 'BEGIN { f = "sys" "tem"; @f("touch pwned-indirect") }'],
      ['git', ['clone', '--upload-p=touch pwned-git', 'x', 'y'], '--upload-p=touch pwned-git'],
      ['git', ['--exec-pa=/tmp', 'status'], '--exec-pa=/tmp'],
    ];
    for (const [command, args, argument] of refused) {
      const outcome = await refusedWith(call({ command, args }));
      const expected = `MOLT_ERR_TOOL_EXEC_DENIED: exec: "${command}" argument ${JSON.stringify(argument)} is refused: it can run other programs`;
      expect({ command, args, outcome: outcome.slice(0, expected.length) }).toEqual({ command, args, outcome: expected });
    }
    expect(readdirSync(workspace).filter((name) => name.startsWith('pwned'))).toEqual([]);
    // Options that only share a first letter with a dangerous one still work.
    expect(await call({ command: 'tar', args: ['--list', '--file=a.tar'] })).toMatchObject({ exitCode: 0, stdout: 'a.txt\n' });
    expect(await call({ command: 'awk', args: ['--field-separator=:', '{ print $1 }', 'a.txt'] })).toMatchObject({ exitCode: 0, stdout: 'x\n' });
  });

  it.skipIf(!contained)('the same programs still do their ordinary work', async () => {
    const { call, workspace } = execTool();
    writeFileSync(join(workspace, 'a.txt'), 'one two\nthree four\n');
    expect(await call({ command: 'find', args: ['.', '-name', '*.txt'] })).toMatchObject({ exitCode: 0, stdout: './a.txt\n' });
    expect(await call({ command: 'env', args: ['-i', 'FOO=bar'] })).toMatchObject({ exitCode: 0, stdout: 'FOO=bar\n' });
    expect(await call({ command: 'awk', args: ['$2 > "a" { print $1 }', 'a.txt'] })).toMatchObject({ exitCode: 0, stdout: 'one\nthree\n' });
    expect(await call({ command: 'sed', args: ['s/one/1/', 'a.txt'] })).toMatchObject({ exitCode: 0, stdout: '1 two\nthree four\n' });
    expect(await call({ command: 'git', args: ['--version'] })).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/^git version /) });
    expect(await call({ command: 'tar', args: ['-cf', 'a.tar', 'a.txt'] })).toMatchObject({ exitCode: 0 });
    expect(await call({ command: 'tar', args: ['-tf', 'a.tar'] })).toMatchObject({ exitCode: 0, stdout: 'a.txt\n' });
  });

  it.skipIf(!contained)('sed runs with --sandbox: its e command and s///e flag are refused by sed itself', async () => {
    const { call, workspace } = execTool();
    writeFileSync(join(workspace, 'a.txt'), 'x\n');
    for (const script of ['1e id', 's/x/id/e', 'w out.txt']) {
      const result = await call({ command: 'sed', args: [script, 'a.txt'] });
      expect(result).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('disabled in sandbox mode') });
      expect(result.stdout).not.toContain('uid=');
    }
  });

  it.skipIf(!contained)('a repository config cannot make git run a program through the pager, fsmonitor or hooks', async () => {
    const { call, workspace } = execTool();
    expect(await call({ command: 'git', args: ['init', '-q', '.'] })).toMatchObject({ exitCode: 0 });
    writeFileSync(join(workspace, 'marker.sh'), '#!/bin/sh\ntouch "$(dirname "$0")/pwned"\n', { mode: 0o755 });
    const config = readFileSync(join(workspace, '.git', 'config'), 'utf8');
    writeFileSync(join(workspace, '.git', 'config'), `${config}[core]\n\tpager = ${workspace}/marker.sh\n\tfsmonitor = ${workspace}/marker.sh\n\thooksPath = ${workspace}\n`);
    writeFileSync(join(workspace, 'post-checkout'), '#!/bin/sh\ntouch pwned\n', { mode: 0o755 });
    await call({ command: 'git', args: ['status'] });
    await call({ command: 'git', args: ['-p', 'log'] });
    await call({ command: 'git', args: ['checkout', '-q', '-b', 'other'] });
    expect(readdirSync(workspace)).not.toContain('pwned');
  });

  it.skipIf(!contained)('a repository config still makes git run programs (alias, diff.external, filters): what the audit\'s critical finding says', async () => {
    const { call, workspace } = execTool();
    expect(await call({ command: 'git', args: ['init', '-q', '.'] })).toMatchObject({ exitCode: 0 });
    writeFileSync(join(workspace, 'marker.sh'), '#!/bin/sh\ntouch "$(dirname "$0")/pwned-$1"\n', { mode: 0o755 });
    const config = readFileSync(join(workspace, '.git', 'config'), 'utf8');
    writeFileSync(join(workspace, '.git', 'config'), `${config}[alias]\n\tx = !${workspace}/marker.sh alias\n`);
    await call({ command: 'git', args: ['x'] });
    // If this ever stops holding (git or the policy closed the door), the finding can go back to a warning.
    expect(readdirSync(workspace)).toContain('pwned-alias');
  });

  it.skipIf(!contained)('security audit flags allowlisted programs that can run others; doctor reports containment', async () => {
    const workspace = useTempDir().dir;
    const kernel = await createTestKernel({ config: { agent: { workspace } }, plugins: [fakeAgent, [toolsExec, { allow: ['find', 'ls', 'cat', 'sh', 'xargs', 'git'] }]] });
    const findings: Check[] = [];
    await kernel.hooks.audit.promise({ add: (check) => void findings.push(check) });
    expect(findings.map(({ id, severity }) => ({ id, severity }))).toEqual([
      { id: 'tools.exec.allow.find', severity: 'warning' },
      { id: 'tools.exec.allow.sh', severity: 'critical' },
      { id: 'tools.exec.allow.xargs', severity: 'warning' },
      { id: 'tools.exec.allow.git', severity: 'critical' },
    ]);
    expect(findings[0]?.description).toContain('-exec, -execdir, -ok, -okdir run programs');
    expect(findings[3]?.description).toContain('alias.<x> = !command');
    const doctor: Check[] = [];
    await kernel.hooks.diagnose.promise({ add: (check) => void doctor.push(check) });
    expect(doctor.find((check) => check.id === 'tools.exec.containment')).toMatchObject({ severity: 'ok' });
  });
});
