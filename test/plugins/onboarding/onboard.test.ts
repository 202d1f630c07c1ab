import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConfig, checkAnswers } from '../../../plugins/onboarding/answers.ts';
import { askAnswers, type Prompter } from '../../../plugins/onboarding/prompts.ts';
import { BIN, runCliCaptured, spawnCli } from '../../helpers/cli.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

const KEY_CANARY = 'sk-ant-canary-7f3e9b2c41d8';

/** Starts `moltbot gateway --port 0`, resolves with its first stdout line, then stops it with SIGTERM. */
function startGateway(cwd: string, env: Record<string, string>): Promise<{ line: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'gateway', '--port', '0'], {
      cwd, env: { PATH: process.env.PATH, HOME: cwd, MOLTBOT_STATE_DIR: join(cwd, '.state'), ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const guard = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`gateway did not start: ${stderr}`)); }, 15_000);
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('\n')) child.kill('SIGTERM');
    });
    child.on('close', (code) => { clearTimeout(guard); resolve({ line: stdout.split('\n')[0]!, code }); });
  });
}

describe('moltbot onboard --non-interactive', () => {
  it('writes a 0600 config with env references and a generated token; security audit has no warnings; the gateway starts', async () => {
    const { dir: cwd } = useTempDir('moltbot-onboard-');
    const env = { ANTHROPIC_API_KEY: KEY_CANARY };
    const onboard = await runCliCaptured(['onboard', '--non-interactive', '--workspace', join(cwd, 'clawd')], { cwd, env });
    expect(onboard).toMatchObject({ code: 0 });
    expect(onboard.stdout).toContain(`wrote ${join(cwd, '.state/clawdbot.json')}`);
    const configFile = join(cwd, '.state/clawdbot.json');
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(cwd, '.state')).mode & 0o777).toBe(0o700);
    expect(statSync(join(cwd, 'clawd')).isDirectory()).toBe(true);
    expect(JSON.parse(readFileSync(configFile, 'utf8'))).toEqual({
      agent: { model: 'anthropic/claude-3-5-sonnet-20241022', workspace: join(cwd, 'clawd') },
      providers: { anthropic: { apiKey: '${ANTHROPIC_API_KEY}' } },
      gateway: { port: 18789, bind: 'loopback', auth: { mode: 'token' } },
    });
    const token = readFileSync(join(cwd, '.state/credentials/gateway-token'), 'utf8').trim();
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(cwd, '.state/credentials/gateway-token')).mode & 0o777).toBe(0o600);

    const audit = await runCliCaptured(['security', 'audit', '--json'], { cwd, env });
    expect(audit.code).toBe(0);
    expect(JSON.parse(audit.stdout)).toMatchObject({ findings: [], summary: { critical: 0, warning: 0 } });

    const gateway = await startGateway(cwd, env);
    expect(gateway.line).toMatch(/^moltbot gateway listening on ws:\/\/127\.0\.0\.1:\d+/);
    expect(gateway.code).toBe(0);
    expect(`${onboard.stdout}${onboard.stderr}${audit.stdout}${audit.stderr}${gateway.line}`).not.toContain(KEY_CANARY);
    expect(readFileSync(configFile, 'utf8')).not.toContain(token);
  });

  it('password mode stores only the env reference and notes an unset variable', async () => {
    const { dir: cwd } = useTempDir('moltbot-onboard-');
    const result = await runCliCaptured(['onboard', '--non-interactive', '--auth', 'password', '--model', 'ollama/llama3.1', '--workspace', 'ws'], { cwd, env: { CLAWDBOT_GATEWAY_PASSWORD: '' } });
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, '.state/clawdbot.json'), 'utf8'))).toMatchObject({
      agent: { workspace: join(cwd, 'ws') },
      providers: { ollama: { api: 'openai', baseURL: 'http://127.0.0.1:11434/v1' } },
      gateway: { auth: { mode: 'password', password: '${CLAWDBOT_GATEWAY_PASSWORD}' } },
    });
  });

  it('refuses to replace an existing config without --force, and bad flags, writing nothing', async () => {
    const { dir: cwd } = useTempDir('moltbot-onboard-');
    mkdirSync(join(cwd, '.state'), { recursive: true });
    writeFileSync(join(cwd, '.state/clawdbot.json'), '{}');
    const again = await runCliCaptured(['onboard', '--non-interactive'], { cwd });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`error: ${join(cwd, '.state/clawdbot.json')} already exists; run with --force to replace it`);
    expect(readFileSync(join(cwd, '.state/clawdbot.json'), 'utf8')).toBe('{}');
    const bad = await runCliCaptured(['onboard', '--non-interactive', '--force', '--model', 'gpt4', '--api-key-env', 'lower'], { cwd });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatchInlineSnapshot(`
      "error: --model must look like provider/model (got "gpt4")
      --api-key-env must be an environment variable name such as ANTHROPIC_API_KEY
      "
    `);
    expect(readFileSync(join(cwd, '.state/clawdbot.json'), 'utf8')).toBe('{}');
  });
});

describe('moltbot onboard --install-daemon without a systemd user session', () => {
  it('explains the missing user bus with its fix and leaves no unit file behind', async () => {
    const { dir } = useTempDir('moltbot-onboard-');
    // What `systemctl --user` says in a root shell, after `su`, or over ssh without lingering.
    const bin = join(dir, 'fake-bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'systemctl'), '#!/bin/sh\necho "$*" >> "$(dirname "$0")/calls"\necho "Failed to connect to bus: No medium found" >&2\nexit 1\n');
    chmodSync(join(bin, 'systemctl'), 0o755);
    const result = await spawnCli(['onboard', '--non-interactive', '--install-daemon'], { cwd: dir, env: { PATH: `${bin}:${process.env.PATH}` }, timeoutMs: 30_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('MOLT_ERR_DAEMON_USER_BUS');
    expect(result.stderr).toContain('Failed to connect to bus');
    expect(result.stderr).toContain('loginctl enable-linger');
    expect(result.stderr).toContain('the config is written, but the service is not installed');
    expect(existsSync(join(dir, '.config/systemd/user/moltbot-gateway.service'))).toBe(false);
    expect(readFileSync(join(bin, 'calls'), 'utf8')).toBe('--user daemon-reload\n');
    expect(existsSync(join(dir, '.state/clawdbot.json'))).toBe(true);
  });
});

describe('interactive answers', () => {
  it('--install-daemon answers the service question: it is not asked', async () => {
    const replies: (string | boolean | symbol)[] = ['anthropic/claude-3-5-sonnet-20241022', 'ANTHROPIC_API_KEY', 'token', '/w'];
    const asked: string[] = [];
    const next = async (options: { message: string }) => { asked.push(options.message); return replies.shift()!; };
    const confirm = async (options: { message: string }) => { asked.push(options.message); return false; };
    const answers = await askAnswers({ select: next, text: next, confirm } as unknown as Prompter, { workspace: '/default', installDaemon: true });
    expect(answers.installDaemon).toBe(true);
    expect(asked).not.toContain('Install the gateway as a user service?');
  });

  it('asks model, key variable, auth, workspace and service, and stops on cancel', async () => {
    const replies: (string | boolean | symbol)[] = ['openai/gpt-4o', 'MY_OPENAI_KEY', 'password', 'GW_PASS', '/w', true];
    const asked: string[] = [];
    const next = async (options: { message: string }) => { asked.push(options.message); return replies.shift()!; };
    const prompter = { select: next, text: next, confirm: next } as unknown as Prompter;
    const answers = await askAnswers(prompter, { workspace: '/default' });
    expect(answers).toEqual({ model: 'openai/gpt-4o', apiKeyEnv: 'MY_OPENAI_KEY', auth: 'password', passwordEnv: 'GW_PASS', workspace: '/w', port: 18789, installDaemon: true });
    expect(checkAnswers(answers)).toEqual([]);
    expect(buildConfig(answers)).toMatchObject({ providers: { openai: { apiKey: '${MY_OPENAI_KEY}' } } });
    expect(asked).toHaveLength(6);
    const cancelled = { select: async () => Symbol('clack:cancel'), text: next, confirm: next } as unknown as Prompter;
    await expect(askAnswers(cancelled, { workspace: '/w' })).rejects.toThrow('onboarding cancelled; nothing was written');
  });
});
