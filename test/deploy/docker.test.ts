import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli.ts';
import { useTempDir } from '../helpers/temp-dir.ts';

const PASSWORD = 'docker-test-password-canary-5c1d';

/** Dockerfile instructions with line continuations joined: [keyword, rest][]. */
function instructions(text: string): [string, string][] {
  return text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((l) => { const [keyword, ...rest] = l.split(/\s+/); return [keyword!.toUpperCase(), rest.join(' ')]; });
}

const dockerfile = instructions(readFileSync(join(REPO, 'deploy/Dockerfile'), 'utf8'));
const all = (keyword: string) => dockerfile.filter(([k]) => k === keyword).map(([, rest]) => rest);
const finalStage = dockerfile.slice(dockerfile.map(([k]) => k).lastIndexOf('FROM'));

function runEntrypoint(args: string[], env: Record<string, string>, onLine?: (line: string, stop: () => void) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const guard = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`timed out: ${stderr}`)); }, 15_000);
    child.stdout.on('data', (chunk) => { stdout += chunk; if (stdout.includes('\n')) onLine?.(stdout.split('\n')[0]!, () => child.kill('SIGTERM')); });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('close', (code) => { clearTimeout(guard); resolve({ code, stdout, stderr }); });
  });
}

describe('deploy/Dockerfile', () => {
  it('is multi-stage on node:24-slim, non-root, with volumes, healthcheck and the gateway entrypoint', () => {
    expect(all('FROM')).toEqual(['node:24-slim AS build', 'node:24-slim']);
    expect(finalStage.filter(([k]) => k === 'USER').map(([, u]) => u)).toEqual(['node']);
    expect(JSON.parse(all('VOLUME')[0]!)).toEqual(['/home/node/.clawdbot', '/home/node/clawd']);
    expect(all('HEALTHCHECK')[0]).toContain('/healthz');
    expect(all('ENV').join(' ')).toContain('MOLTBOT_STATE_DIR=/home/node/.clawdbot');
    expect([JSON.parse(all('ENTRYPOINT')[0]!), JSON.parse(all('CMD')[0]!)]).toEqual([['node', 'bin/moltbot.js'], ['gateway', '--bind', 'lan']]);
  });

  it('its entrypoint command serves /healthz outside a container, and the HEALTHCHECK command passes against it', async () => {
    const { dir } = useTempDir('moltbot-docker-');
    const command = [...JSON.parse(all('ENTRYPOINT')[0]!).slice(1), ...JSON.parse(all('CMD')[0]!), '--port', '0'] as string[];
    let health: number | null = null;
    const result = await runEntrypoint(command, { HOME: dir, MOLTBOT_STATE_DIR: join(dir, 'state'), CLAWDBOT_GATEWAY_PASSWORD: PASSWORD }, (line, stop) => {
      const port = /:(\d+)\//.exec(line)?.[1];
      const check = JSON.parse(all('HEALTHCHECK')[0]!.replace(/^.*?CMD\s+/, '')) as string[];
      health = spawnSync(check[0] === 'node' ? process.execPath : check[0]!, check.slice(1), { env: { CLAWDBOT_GATEWAY_PORT: port! }, timeout: 5000 }).status;
      stop();
    });
    expect(result.stdout).toMatch(/^moltbot gateway listening on ws:\/\/[^ ]+:\d+/);
    expect(health).toBe(0);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
  });

  it('the same command refuses lan without auth (exit 78)', async () => {
    const { dir } = useTempDir('moltbot-docker-');
    mkdirSync(join(dir, 'state'));
    writeFileSync(join(dir, 'state/clawdbot.json'), JSON.stringify({ gateway: { auth: { mode: 'none' } } }), { mode: 0o600 });
    const command = [...JSON.parse(all('ENTRYPOINT')[0]!).slice(1), ...JSON.parse(all('CMD')[0]!), '--port', '0'] as string[];
    const result = await runEntrypoint(command, { HOME: dir, MOLTBOT_STATE_DIR: join(dir, 'state') });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('gateway.auth.mode is "none"');
  });
});

describe('deploy/docker-compose.yml', () => {
  it('matches the guide: port, host folders, env, restart policy, bridge network; password required', () => {
    const compose = loadYaml(readFileSync(join(REPO, 'deploy/docker-compose.yml'), 'utf8')) as any;
    const service = compose.services.moltbot;
    expect(service).toMatchObject({
      image: 'ghcr.io/moltbot/moltbot:latest', container_name: 'moltbot', ports: ['18789:18789'],
      volumes: ['~/.clawdbot:/home/node/.clawdbot', '~/clawd:/home/node/clawd'], restart: 'unless-stopped', networks: ['moltbot-net'],
      build: { context: '..', dockerfile: 'deploy/Dockerfile' },
    });
    expect(service.environment).toEqual([
      'CLAWDBOT_GATEWAY_PASSWORD=${CLAWDBOT_GATEWAY_PASSWORD:?set CLAWDBOT_GATEWAY_PASSWORD}',
      'CLAWDBOT_AGENT_MODEL=${CLAWDBOT_AGENT_MODEL:-anthropic/claude-3-5-sonnet-20241022}',
    ]);
    expect(compose.networks).toEqual({ 'moltbot-net': { driver: 'bridge' } });
    // Volumes mount where the image's VOLUMEs are.
    expect(service.volumes.map((v: string) => v.split(':')[1])).toEqual(JSON.parse(all('VOLUME')[0]!));
  });
});
