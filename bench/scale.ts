/**
 * Scale-out bench: RPC throughput with 1, 2 and 3 `moltbot gateway` processes sharing Redis
 * (session-store-redis, events-redis, rate-limit-redis), and what one chat message costs in
 * Redis. The load (40 WebSocket connections spread round-robin over the instances, 8 pings in
 * flight each) runs in this process; every figure is a ratio to the 1-instance round of the
 * same run. On a 2-core machine the load generator and the instances share the same two cores,
 * so more instances cannot add CPU: the ratios show the cost of the shared parts (Redis
 * round trips for credential buckets), not the capacity of a real cluster.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@keyv/redis';
import { WebSocket } from 'ws';
import { startFakeProvider } from '../test/helpers/fake-provider.ts';
import { startGatewayProcess, writeConfig, type GatewayProcess } from '../test/helpers/gateway-process.ts';
import { row } from './stats.ts';
import { BENCH_PASSWORD as PASSWORD, UNREACHABLE_RATE_LIMITS } from './gateway-kernel.ts';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONNECTIONS = 40;
const DEPTH = 8;
const ROUND_MS = 3000;
const CHAT_MESSAGES = 50;

async function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  ws.send(JSON.stringify({ type: 'req', id: 'c', method: 'connect', params: { minProtocol: 1, maxProtocol: 1, client: { id: 'bench', version: '1' }, auth: { password: PASSWORD } } }));
  await new Promise<void>((resolve, reject) => ws.once('message', (data) => (JSON.parse(String(data)).ok ? resolve() : reject(new Error(String(data))))));
  return ws;
}

/** Pings per second over `ROUND_MS`, DEPTH in flight per connection. */
async function pingRound(gateways: GatewayProcess[]): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => open(gateways[i % gateways.length]!.url)));
  let done = 0;
  let running = true;
  const until = Date.now() + ROUND_MS;
  await Promise.all(sockets.map((ws) => new Promise<void>((resolve) => {
    let inflight = 0;
    let id = 0;
    const fire = () => {
      while (running && inflight < DEPTH) {
        inflight++;
        ws.send(`{"type":"req","id":${id++},"method":"ping"}`);
      }
      if (inflight === 0) resolve();
    };
    ws.on('message', () => {
      inflight--;
      done++;
      if (Date.now() >= until) running = false;
      fire();
    });
    fire();
  })));
  for (const ws of sockets) ws.terminate();
  return done / (ROUND_MS / 1000);
}

async function redisCalls(client: { info(section: string): Promise<unknown> }): Promise<number> {
  const info = String(await client.info("commandstats"));
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
}

export async function benchScale(): Promise<string[]> {
  const fake = await startFakeProvider();
  const dir = mkdtempSync(join(tmpdir(), 'moltbot-bench-scale-'));
  const keyPrefix = `moltbot-bench-${randomBytes(4).toString('hex')}`;
  const redis = createClient({ url: REDIS });
  await redis.connect();
  writeConfig(dir, {
    agent: { model: 'fake/m' },
    providers: { fake: { api: 'openai', baseURL: fake.openaiBaseURL, apiKey: 'bench' } },
    gateway: { auth: { mode: 'password', password: PASSWORD }, rateLimiting: UNREACHABLE_RATE_LIMITS },
    logging: { level: 'warn' },
    redis: { url: REDIS, keyPrefix },
    plugins: ['session-store-redis', 'events-redis', 'rate-limit-redis'],
  });
  const gateways: GatewayProcess[] = [];
  const lines = [`scale: ${CONNECTIONS} connections × ${DEPTH} pings in flight, ${ROUND_MS} ms rounds, Redis ${REDIS.replace(/\/\/[^@]*@/, '//')}`];
  try {
    const rates: number[] = [];
    for (let n = 1; n <= 3; n++) {
      gateways.push(await startGatewayProcess(dir, `g${n}`));
      await pingRound(gateways); // warm-up
      rates.push(await pingRound(gateways));
      lines.push(row(`ping RPC/s, ${n} instance${n === 1 ? '' : 's'}`, rates.at(-1)!.toFixed(0), `×${(rates.at(-1)! / rates[0]!).toFixed(2)} vs 1 instance`));
    }
    // One chat message through instance 1: Redis commands it costs (every instance's, plus the bus).
    const ws = await open(gateways[0]!.url);
    const finals = new Map<string, () => void>();
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data));
      if (frame.event === 'chat.final') finals.get(frame.payload.runId)?.();
    });
    const send = (i: number) => new Promise<void>((resolve) => {
      const listener = (data: unknown) => {
        const frame = JSON.parse(String(data));
        if (frame.id !== `chat-${i}`) return;
        ws.off('message', listener);
        finals.set(frame.payload.runId, resolve);
      };
      ws.on('message', listener);
      ws.send(JSON.stringify({ type: 'req', id: `chat-${i}`, method: 'chat.send', params: { message: `message ${i}`, sessionKey: `agent:main:bench:dm:${i % 5}` } }));
    });
    await send(-1);
    const before = await redisCalls(redis);
    const started = performance.now();
    for (let i = 0; i < CHAT_MESSAGES; i++) await send(i);
    const elapsed = performance.now() - started;
    const calls = (await redisCalls(redis)) - before;
    lines.push(row('Redis commands per chat message (all instances)', (calls / CHAT_MESSAGES).toFixed(1), `${CHAT_MESSAGES} messages, INFO commandstats delta`));
    lines.push(row('chat message round trip (fake model, Redis store)', `${(elapsed / CHAT_MESSAGES).toFixed(2)} ms`, 'send → chat.final, serial'));
    ws.terminate();
  } finally {
    await Promise.all(gateways.map((g) => g.stop('SIGTERM')));
    for await (const keys of redis.scanIterator({ MATCH: `${keyPrefix}:*`, COUNT: 500 })) if (keys.length > 0) await redis.del(keys);
    await redis.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
  lines.push('note: 2 cores run the load generator and every instance: throughput cannot grow with instances here;');
  lines.push('      the ratios measure what sharing costs (credential buckets in Redis: one round trip per request).');
  return lines;
}
