import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderLaunchdPlist, renderSystemdUnit, systemdWord, xmlEscape } from '../../../plugins/daemon/render.ts';
import { BIN } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const xmlUnescape = (value: string) => value.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&amp;', '&');

const SPEC = { node: '/usr/bin/node', bin: '/opt/molt bot/bin/moltbot.js', stateDir: '/home/ann/.clawdbot', workingDirectory: '/home/ann' };

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

function analyze(unit: string): { status: number | null; output: string } {
  const { dir } = useTempDir('moltbot-unit-');
  const file = join(dir, 'moltbot-gateway.service');
  writeFileSync(file, unit);
  const result = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('systemd user unit', () => {
  it('runs `moltbot gateway`, restarts on failure, never after exit 78', () => {
    expect(renderSystemdUnit(SPEC).split('\n').filter((l) => l && !l.startsWith('#'))).toMatchInlineSnapshot(`
      [
        "[Unit]",
        "Description=Moltbot gateway",
        "After=network-online.target",
        "Wants=network-online.target",
        "[Service]",
        "Type=simple",
        "ExecStart=/usr/bin/node "/opt/molt bot/bin/moltbot.js" gateway",
        "WorkingDirectory=/home/ann",
        "Environment=MOLTBOT_STATE_DIR=/home/ann/.clawdbot",
        "EnvironmentFile=-/home/ann/.clawdbot/gateway.env",
        "Restart=on-failure",
        "RestartSec=5",
        "RestartPreventExitStatus=78",
        "UMask=0077",
        "NoNewPrivileges=true",
        "[Install]",
        "WantedBy=default.target",
      ]
    `);
  });

  it('escapes systemd specifiers and quotes', () => {
    expect([systemdWord('/a b'), systemdWord('100%'), systemdWord('$HOME'), systemdWord('say "hi"')]).toEqual(['"/a b"', '100%%', '"$$HOME"', '"say \\"hi\\""']);
  });

  it.runIf(hasSystemdAnalyze)('passes `systemd-analyze verify` with this machine\'s paths, and a broken one does not', () => {
    const unit = renderSystemdUnit({ node: process.execPath, bin: BIN, stateDir: '/tmp/state with space/%i', workingDirectory: '/tmp' });
    expect(analyze(unit)).toEqual({ status: 0, output: '' });
    const broken = analyze(renderSystemdUnit({ node: '/nonexistent/node', bin: BIN, stateDir: '/tmp', workingDirectory: '/tmp' }));
    expect(broken.status).not.toBe(0);
    expect(broken.output).toContain('/nonexistent/node is not executable');
  });
});

describe('launchd agent', () => {
  it('wraps the gateway so exit 78 is not restarted, with escaped values', () => {
    const plist = renderLaunchdPlist({ ...SPEC, stateDir: '/Users/a&b/.clawdbot' });
    expect(plist).toContain('<string>/Users/a&amp;b/.clawdbot</string>');
    expect(plist).toContain('<key>SuccessfulExit</key>\n    <false/>');
    expect(plist.match(/<string>[^<]*<\/string>/g)!.slice(1, 8)).toMatchInlineSnapshot(`
      [
        "<string>/bin/sh</string>",
        "<string>-c</string>",
        "<string>&quot;$0&quot; &quot;$@&quot;; code=$?; if [ &quot;$code&quot; -eq 78 ]; then exit 0; fi; exit &quot;$code&quot;</string>",
        "<string>/usr/bin/node</string>",
        "<string>--env-file-if-exists=/Users/a&amp;b/.clawdbot/gateway.env</string>",
        "<string>/opt/molt bot/bin/moltbot.js</string>",
        "<string>gateway</string>",
      ]
    `);
    expect(xmlEscape('<&>')).toBe('&lt;&amp;&gt;');
  });

  it('the exit-78 wrapper really maps 78 to 0 and keeps other codes', () => {
    const wrapper = xmlUnescape(renderLaunchdPlist(SPEC).match(/<string>(&quot;\$0.*?)<\/string>/)![1]!);
    const run = (code: number) => spawnSync('/bin/sh', ['-c', wrapper, '/bin/sh', '-c', `exit ${code}`]).status;
    expect([run(78), run(1), run(0)]).toEqual([0, 1, 0]);
    expect(execFileSync('/bin/sh', ['-c', wrapper, 'echo', 'a b'], { encoding: 'utf8' })).toBe('a b\n');
  });

  it('the agent reads <stateDir>/gateway.env as the systemd unit does, and starts without one', () => {
    const { dir } = useTempDir('moltbot-plist-');
    const bin = join(dir, 'print-env.js');
    writeFileSync(bin, 'process.stdout.write(`${process.env.MOLTBOT_GATEWAY_TOKEN ?? "unset"} ${process.argv.slice(2).join(",")}`);');
    const plist = renderLaunchdPlist({ ...SPEC, node: process.execPath, bin, stateDir: dir });
    const programArguments = /<key>ProgramArguments<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(plist)![1]!;
    const args = [...programArguments.matchAll(/<string>([^<]*)<\/string>/g)].map((match) => xmlUnescape(match[1]!));
    const run = () => execFileSync(args[0]!, args.slice(1), { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(run()).toBe('unset gateway');
    writeFileSync(join(dir, 'gateway.env'), '# the service\'s secrets\nMOLTBOT_GATEWAY_TOKEN=from-the-env-file\n', { mode: 0o600 });
    expect(run()).toBe('from-the-env-file gateway');
  });
});
