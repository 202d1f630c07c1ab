import { spawn } from 'node:child_process';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BIN, spawnCli } from '../../helpers/cli.ts';
import { accepts, freePort } from '../../helpers/net.ts';
import { useTempDir } from '../../helpers/temp-dir.ts';

describe('moltbot gateway (CLI)', () => {
  it('--port 0 --verbose listens, answers /healthz, logs at debug level, and exits 0 on SIGTERM', async () => {
    const { dir } = useTempDir();
    const child = spawn(process.execPath, [BIN, 'gateway', '--port', '0', '--verbose'], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: dir, MOLTBOT_STATE_DIR: `${dir}/.state` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onTestFinished(() => { child.kill('SIGKILL'); });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line:\n${stdout}\n${stderr}`)), 10_000);
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        const match = /listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${match[1]}`);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code} before listening:\n${stderr}`)));
    });
    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { ok: true, status: 'live' }]);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toContain('gateway listening on');
    expect(stderr).toContain('credentials/gateway-token');
    // No password is configured: the listening line says so beside the mode.
    expect(JSON.parse(stderr.split('\n').find((line) => line.includes('"msg":"gateway listening on'))!)).toMatchObject({ auth: 'password', secretConfigured: false });
    expect(stderr).toContain('"level":20');
  });

  it('AU-02: a non-loopback bind without auth exits 78 naming gateway.bind and gateway.auth; nothing listens', async () => {
    const temp = useTempDir();
    temp.write('moltbot.config.json', JSON.stringify({ gateway: { bind: 'lan', auth: { mode: 'none' } } }));
    const port = await freePort();
    const result = await spawnCli(['gateway', '--port', String(port)], { cwd: temp.dir });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('gateway.bind is "lan"');
    expect(result.stderr).toContain('gateway.auth.mode is "none"');
    expect(result.stderr).toContain('MOLT_ERR_CONFIG_INVALID');
    expect(!(await accepts(port))).toBe(true);
  });

  it('CLAWDBOT_GATEWAY_PORT is used without --port, and --port beats it', async () => {
    const [fromEnv, fromFlag] = await Promise.all([freePort(), freePort()]);
    const { dir } = useTempDir();
    const started = async (args: string[]) => {
      const child = spawn(process.execPath, [BIN, 'gateway', ...args], {
        cwd: dir,
        env: { PATH: process.env.PATH, HOME: dir, MOLTBOT_STATE_DIR: `${dir}/.state-${args.length}`, CLAWDBOT_GATEWAY_PORT: String(fromEnv) },
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      onTestFinished(() => { child.kill('SIGKILL'); });
      const line = await new Promise<string>((resolve) => {
        let out = '';
        child.stdout.on('data', (chunk) => { out += chunk; if (out.includes('\n')) resolve(out); });
      });
      child.kill('SIGTERM');
      return line;
    };
    const [envLine, flagLine] = await Promise.all([started([]), started(['--port', String(fromFlag)])]);
    expect(envLine).toContain(`ws://127.0.0.1:${fromEnv}/`);
    expect(flagLine).toContain(`ws://127.0.0.1:${fromFlag}/`);
  });

  it('rejects a malformed --port with a usage error', async () => {
    const { dir } = useTempDir();
    const result = await spawnCli(['gateway', '--port', 'http'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('expected a port number from 0 to 65535');
  });
});
