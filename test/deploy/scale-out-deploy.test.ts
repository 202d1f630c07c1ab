/**
 * deploy/scale-out: the compose file's wiring, and the shipped nginx.conf in front of two real
 * gateway processes started with the shipped moltbot.config.json (addresses swapped for
 * loopback ones, nothing else), with the real nginx from Debian and the real Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { redisPrefix } from '../helpers/redis.ts';
import { describe, expect, it, onTestFinished } from 'vitest';
import { REPO } from '../helpers/cli.ts';
import { startFakeProvider } from '../helpers/fake-provider.ts';
import { startGatewayProcess, writeConfig } from '../helpers/gateway-process.ts';
import { accepts, freePort } from '../helpers/net.ts';
import { useTempDir } from '../helpers/temp-dir.ts';
import { chat, waitFor } from '../plugins/agent/harness.ts';
import { connectClient, openClient } from '../plugins/gateway/helpers.ts';

const DIR = join(REPO, 'deploy/scale-out');
const NGINX = '/usr/sbin/nginx';
const PASSWORD = 'nginx-scale-test-password-77';
const compose = loadYaml(readFileSync(join(DIR, 'docker-compose.yml'), 'utf8')) as any;
const config = JSON.parse(readFileSync(join(DIR, 'moltbot.config.json'), 'utf8'));
const nginxConf = readFileSync(join(DIR, 'nginx.conf'), 'utf8');

describe('deploy/scale-out', () => {
  it('compose: durable Redis, every gateway on the shared config, the LB at the address the gateways trust, every gateway upstream', () => {
    expect(compose.services.redis.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    const gateways = Object.keys(compose.services).filter((name) => name.startsWith('gateway-'));
    expect(gateways.length).toBeGreaterThanOrEqual(2);
    for (const name of gateways) {
      const env = compose.services[name].environment as string[];
      expect(env).toEqual(expect.arrayContaining(['REDIS_URL=redis://redis:6379', 'MOLTBOT_CONFIG=/etc/moltbot/moltbot.config.json']));
      // Each instance keeps its own state dir (the state lock allows one gateway per dir).
      expect(compose.services[name].volumes).toEqual(expect.arrayContaining([`${name}-state:/home/node/.clawdbot`]));
      expect(nginxConf).toContain(`server ${name}:18789`);
    }
    const trusted = config.plugins.find((entry: unknown) => Array.isArray(entry) && entry[0] === 'gateway')[1].trustedProxies;
    expect(trusted).toEqual([compose.services.lb.networks['moltbot-net'].ipv4_address]);
    expect(config.plugins).toEqual(expect.arrayContaining(['session-store-redis', 'events-redis', 'rate-limit-redis']));
  });

  it('nginx.conf balances WebSocket clients over two gateways, which share the conversation', { timeout: 60_000 }, async () => {
    expect(existsSync(NGINX), 'nginx from Debian is needed (.ci/run installs it: apt-get install nginx-light)').toBe(true);
    const { dir } = useTempDir('moltbot-nginx-');
    const fake = await startFakeProvider();
    onTestFinished(() => fake.close());
    const keyPrefix = redisPrefix();
    // The shipped config; only what differs outside containers: loopback proxy, model, prefix.
    const shipped = JSON.parse(JSON.stringify(config).replace('172.28.0.10', '127.0.0.1'));
    writeConfig(dir, {
      ...shipped,
      redis: { ...shipped.redis, keyPrefix },
      agent: { model: 'fake/m' },
      providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'fake' } },
    });
    const env = { CLAWDBOT_GATEWAY_PASSWORD: PASSWORD, REDIS_URL: 'redis://127.0.0.1:6379' };
    const [a, b] = await Promise.all([startGatewayProcess(dir, 'a', env), startGatewayProcess(dir, 'b', env)]);
    onTestFinished(async () => { await Promise.all([a.stop(), b.stop()]); });
    const port = await freePort();
    const conf = nginxConf
      .replace('worker_processes auto;', 'worker_processes 1;')
      .replace('server gateway-a:18789', `server 127.0.0.1:${a.port}`)
      .replace('server gateway-b:18789', `server 127.0.0.1:${b.port}`)
      .replace('listen 18789;', `listen 127.0.0.1:${port};`);
    writeFileSync(join(dir, 'nginx.conf'), conf);
    const nginx: ChildProcess = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'nginx-error.log'), '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`], { stdio: 'ignore' });
    onTestFinished(() => { nginx.kill('SIGKILL'); });
    for (let i = 0; !(await accepts(port)); i++) {
      if (i > 100) throw new Error(`nginx did not listen: ${readFileSync(join(dir, 'nginx-error.log'), 'utf8')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const url = `ws://127.0.0.1:${port}/`;
    // least_conn: with one connection open on an instance, the next goes to the other.
    const first = await connectClient(url, { password: PASSWORD });
    const second = await connectClient(url, { password: PASSWORD });
    const pids = await Promise.all([first, second].map(async (client) => (await client.request('status')).payload.pid));
    expect(new Set(pids).size).toBe(2);
    await second.request('sessions.subscribe', { sessionKey: 'agent:main:main' });
    fake.script({ text: 'through the load balancer' });
    const { response } = await chat(first, 'hello via nginx');
    const seen = await waitFor(second, (f) => f.event === 'chat.final' && f.payload.runId === response.payload.runId);
    expect(seen.payload.text).toBe('through the load balancer');
    // nginx replaces a client's X-Forwarded-For: failures with ten spoofed addresses all count
    // against the client's real one (shared across both instances), which is then locked out.
    for (let i = 0; i < 10; i++) {
      const answer = await openClient(url, { headers: { 'X-Forwarded-For': `203.0.113.${i}` } }).connect({ password: 'wrong-password' });
      expect(answer.error?.code).toBe('UNAUTHORIZED');
    }
    expect((await openClient(url, { headers: { 'X-Forwarded-For': '198.51.100.1' } }).connect({ password: PASSWORD })).error?.code).toBe('AUTH_RATE_LIMITED');
  });
});
